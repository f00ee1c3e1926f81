package io.rampart.ingest.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.store.error.Refusal;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads the typed fields of one item of a request, refusing the request at the first bad one. */
public final class ItemReader {

    /** Text fields are stored as given; longer ones are refused rather than cut. */
    public static final int MAX_TEXT_LENGTH = 255;

    private final JsonNode item;
    private final int index;
    private final TimeBounds bounds;
    /** Where a nested object sits in the item ({@code outcomes[2].}), so a refusal names the whole path. */
    private final String path;

    public ItemReader(JsonNode item, int index, TimeBounds bounds) {
        this(item, index, bounds, "");
    }

    private ItemReader(JsonNode item, int index, TimeBounds bounds, String path) {
        if (!item.isObject()) {
            throw InvalidItems.invalidItem(index, path.isEmpty() ? "" : path.substring(0, path.length() - 1),
                    "must be a JSON object");
        }
        this.item = item;
        this.index = index;
        this.bounds = bounds;
        this.path = path;
    }

    /** A nested object, read like the item. */
    public ItemReader requiredObject(String field) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            throw invalid(field, "is required");
        }
        return new ItemReader(value, index, bounds, path + field + ".");
    }

    /** A non-empty array of objects, each read like the item. */
    public List<ItemReader> requiredObjects(String field, int maxSize) {
        JsonNode value = item.get(field);
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw invalid(field, "must be a non-empty array");
        }
        if (value.size() > maxSize) {
            throw invalid(field, "may have at most " + maxSize + " entries");
        }
        List<ItemReader> readers = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            readers.add(new ItemReader(value.get(i), index, bounds, path + field + "[" + i + "]."));
        }
        return readers;
    }

    /** A non-empty array of whole numbers, each within [min, max]. */
    public int[] requiredInts(String field, int min, int max, int maxSize) {
        JsonNode value = item.get(field);
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw invalid(field, "must be a non-empty array of whole numbers");
        }
        if (value.size() > maxSize) {
            throw invalid(field, "may have at most " + maxSize + " entries");
        }
        int[] numbers = new int[value.size()];
        for (int i = 0; i < numbers.length; i++) {
            JsonNode number = value.get(i);
            if (!number.isIntegralNumber() || !number.canConvertToLong() || number.longValue() < min
                    || number.longValue() > max) {
                throw invalid(field + "[" + i + "]", "must be a whole number between " + min + " and " + max);
            }
            numbers[i] = number.intValue();
        }
        return numbers;
    }

    public boolean has(String field) {
        return item.hasNonNull(field);
    }

    public String requiredText(String field) {
        String value = optionalText(field);
        if (value == null) {
            throw invalid(field, "is required");
        }
        return value;
    }

    /** A non-empty string of at most {@value #MAX_TEXT_LENGTH} characters, or null when absent. */
    public String optionalText(String field) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(field, "must be a string");
        }
        String text = value.textValue();
        if (text.isBlank()) {
            throw invalid(field, "must not be empty");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw invalid(field, "must be at most " + MAX_TEXT_LENGTH + " characters");
        }
        if (!storable(text)) {
            throw invalid(field, "must be valid Unicode without the NUL character");
        }
        return text;
    }

    /**
     * PostgreSQL text refuses NUL (the whole batch would fail, answered 503), and an unpaired
     * surrogate (escaped in JSON as a lone high or low half) would be stored as '?': both are refused here.
     */
    private static boolean storable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** One of the enum's wire values, as {@code wireValue} names them. */
    public <E extends Enum<E>> E requiredChoice(String field, Class<E> type, Function<E, String> wireValue) {
        String text = requiredText(field);
        for (E choice : type.getEnumConstants()) {
            if (wireValue.apply(choice).equals(text)) {
                return choice;
            }
        }
        throw invalid(field, "must be one of " + Arrays.stream(type.getEnumConstants()).map(wireValue)
                .collect(Collectors.joining(", ")));
    }

    public int requiredInt(String field, int min, int max) {
        Integer value = optionalInt(field, min, max);
        if (value == null) {
            throw invalid(field, "is required");
        }
        return value;
    }

    /** A whole number within [min, max], or null when absent. */
    public Integer optionalInt(String field, int min, int max) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber()) {
            throw invalid(field, "must be a whole number");
        }
        if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw invalid(field, "must be between " + min + " and " + max);
        }
        return value.intValue();
    }

    public boolean requiredBoolean(String field) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            throw invalid(field, "is required");
        }
        if (!value.isBoolean()) {
            throw invalid(field, "must be true or false");
        }
        return value.booleanValue();
    }

    /** An ISO-8601 time with offset, within the accepted past and future; {@code fallback} when absent. */
    public OffsetDateTime time(String field, OffsetDateTime fallback) {
        String text = optionalText(field);
        if (text == null) {
            if (fallback == null) {
                throw invalid(field, "is required");
            }
            return fallback;
        }
        OffsetDateTime time;
        try {
            time = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(field, "must be an ISO-8601 time with an offset, such as 2026-01-31T12:00:00Z");
        }
        String outside = bounds.outside(time);
        if (outside != null) {
            throw invalid(field, outside);
        }
        return time;
    }

    public Refusal invalid(String field, String why) {
        return InvalidItems.invalidItem(index, path + field, why);
    }
}
