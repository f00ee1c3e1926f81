package io.rampart.deploy;

import com.fasterxml.jackson.databind.JsonNode;

/** One Kubernetes object as written: its YAML tree and where it came from (file and document, or rendered overlay). */
public record Manifest(String origin, JsonNode tree) {

    public String apiVersion() {
        return tree.path("apiVersion").asText();
    }

    public String kind() {
        return tree.path("kind").asText();
    }

    public String name() {
        return tree.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
        return kind() + " " + name() + " (" + origin + ")";
    }
}
