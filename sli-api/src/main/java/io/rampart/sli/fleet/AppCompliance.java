package io.rampart.sli.fleet;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** The answer of {@code GET /api/v1/apps/{appKey}/compliance}: one app's compliance month by month, oldest first. */
@RegisterForReflection
public record AppCompliance(String appKey, List<Compliance> months) {
}
