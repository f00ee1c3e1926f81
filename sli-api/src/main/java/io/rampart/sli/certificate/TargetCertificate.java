package io.rampart.sli.certificate;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Duration;
import java.time.Instant;

/**
 * The leaf certificate an https health check target presented at its latest completed handshake.
 *
 * @param daysLeft  whole days from now to {@code notAfter}, rounded down (negative once expired)
 * @param checkedAt when a probe last saw it
 */
@RegisterForReflection
public record TargetCertificate(Instant notAfter, String issuer, long daysLeft, Instant checkedAt) {

    static TargetCertificate of(Instant notAfter, String issuer, Instant checkedAt, Instant now) {
        return new TargetCertificate(notAfter, issuer, Math.floorDiv(Duration.between(now, notAfter).toSeconds(), 86_400L),
                checkedAt);
    }
}
