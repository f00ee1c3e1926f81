package io.rampart.ingest.validation;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.ingest.config.IngestConfig;
import io.rampart.store.error.Refusal;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.time.OffsetDateTime;

/** Reads a request body into its list of items, within the size and count limits. */
@ApplicationScoped
public class Payloads {

    private final ObjectMapper mapper;
    private final IngestConfig config;

    public Payloads(ObjectMapper mapper, IngestConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /**
     * The items of the body: the body itself when {@code arrayField} is null (the Metric Publish
     * API sends a bare array), else that field of the body object.
     */
    public JsonNode items(byte[] body, String arrayField) {
        if (body.length > config.maxBodyBytes()) {
            throw tooLarge();
        }
        JsonNode root;
        try {
            root = body.length == 0 ? null : mapper.readTree(body);
        } catch (JacksonException e) {
            // A read constraint (nesting over 1000 deep, a number over 1000 digits) has no location.
            throw InvalidItems.invalidBody(e.getLocation() == null ? "the body is not valid JSON (it exceeds a limit of"
                    + " nesting depth, number or string length)" : "the body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw InvalidItems.invalidBody("the body could not be read");
        }
        JsonNode items = arrayField == null ? root : root != null && root.isObject() ? root.get(arrayField) : null;
        if (items == null || !items.isArray()) {
            throw InvalidItems.invalidBody(arrayField == null ? "the body must be a JSON array of metrics"
                    : "the body must be a JSON object whose \"" + arrayField + "\" is an array");
        }
        if (items.size() > config.maxItems()) {
            throw Refusal.tooLarge("a request may carry at most " + config.maxItems() + " items, this one has " + items.size());
        }
        return items;
    }

    public Refusal tooLarge() {
        return Refusal.tooLarge("a request body may have at most " + config.maxBodyBytes() + " bytes");
    }

    public TimeBounds timeBounds() {
        return TimeBounds.around(OffsetDateTime.now(), config.maxPast(), config.maxFuture());
    }
}
