package io.rampart.reliability.vendor;

import io.rampart.publisher.junit.PublishToRampart;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A vendor's test class as the README shows it: {@code @PublishToRampart}, configured by the
 * {@code RAMPART_*} environment variables. Not a test of this build (no Test suffix): PublisherIT
 * runs it in a child JVM with those variables set, through {@link SampleVendorRun}.
 */
@PublishToRampart
class SampleVendorChecks {

    @Test
    void signsIn() {
        assertEquals(4, 2 + 2);
    }

    @Test
    void exportsTimesheet() {
        assertEquals("csv", "pdf", "the export format");
    }
}
