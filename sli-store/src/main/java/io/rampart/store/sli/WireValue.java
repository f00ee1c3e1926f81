package io.rampart.store.sli;

import java.util.Arrays;
import java.util.Optional;

/** A constant named on the wire (in queries, bodies, configuration and the registry's rows) by its own text. */
public interface WireValue {

    String wireValue();

    /** The constant of {@code type} named {@code value}; empty for null or a name none has. */
    static <E extends Enum<E> & WireValue> Optional<E> find(Class<E> type, String value) {
        return Arrays.stream(type.getEnumConstants()).filter(constant -> constant.wireValue().equals(value)).findFirst();
    }
}
