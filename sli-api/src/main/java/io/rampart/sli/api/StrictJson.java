package io.rampart.sli.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * A request body is one JSON document: Jackson otherwise reads {@code {"a": 1} {"a": 2}} as its
 * first value and ignores the rest (a PATCH then answered 200). Refused as 400 by
 * {@link ApiExceptionMappers#mismatched}.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
