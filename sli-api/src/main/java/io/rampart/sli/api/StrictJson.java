package io.rampart.sli.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.rampart.store.error.Refusal;
import jakarta.inject.Singleton;

import java.io.IOException;

/**
 * What a request body may hold, for every resource at once:
 * <ul>
 * <li>one JSON document: Jackson otherwise reads {@code {"a": 1} {"a": 2}} as its first value and
 * ignores the rest (a PATCH then answered 200);</li>
 * <li>text PostgreSQL can store ({@link UnicodeText}) in every string field: a JSON escape can make
 * an unpaired surrogate, which the database client encodes as '?' followed by the next character
 * cut to one byte, and the database then refuses the statement (a 500).</li>
 * </ul>
 * Both are refused as 400 naming the field by {@link RefusalMappers#mismatched}.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    /** What the refusal of an unstorable string says. */
    static final String UNSTORABLE = "valid Unicode without the NUL character";

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.registerModule(new SimpleModule("storable-strings").addDeserializer(String.class, new StorableStrings()));
    }

    /** Jackson's own string reading, refusing what {@link UnicodeText#storable} refuses. */
    private static final class StorableStrings extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = super.deserialize(parser, context);
            if (value != null && !UnicodeText.storable(value)) {
                return (String) context.handleWeirdStringValue(String.class, value, UNSTORABLE);
            }
            return value;
        }
    }
}
