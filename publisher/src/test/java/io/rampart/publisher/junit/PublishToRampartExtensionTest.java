package io.rampart.publisher.junit;

import io.rampart.publisher.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs a vendor's test class on the JUnit platform and checks what reached the receiver. */
class PublishToRampartExtensionTest {

    /** Where the vendor class below publishes; set by each test before it runs the class. */
    static Map<String, String> environment = Map.of();

    /** A vendor's test class: a pass, a failure, an aborted, a disabled and a parameterized test. */
    static class VendorChecks {
        @RegisterExtension
        static PublishToRampartExtension rampart = new PublishToRampartExtension(new AbstractMap<>() {
            @Override
            public Set<Entry<String, String>> entrySet() {
                return environment.entrySet();
            }
        });

        @Test
        void logsIn() throws InterruptedException {
            Thread.sleep(30);
        }

        @Test
        void checksOut() {
            fail("the basket was empty");
        }

        @Test
        void onlyOnMondays() {
            Assumptions.assumeTrue(false);
        }

        @Test
        @Disabled("not yet")
        void exports() {
        }

        @ParameterizedTest
        @ValueSource(strings = {"jira", "confluence"})
        void installsIn(String product) {
        }
    }

    private Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private EngineExecutionResults run() {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(VendorChecks.class)).execute();
    }

    @Test
    void eachTestsOutcomeAndDurationIsPublishedAsASyntheticCheckNamedAfterIt() {
        environment = Map.of("RAMPART_URL", receiver.url().toString(), "RAMPART_APP_KEY", "com.acme.timesheets",
                "RAMPART_SHARED_SECRET", "secret");

        run();

        assertThat(receiver.received()).singleElement().satisfies(request -> {
            assertThat(request.items()).isEqualTo(4);
            String name = VendorChecks.class.getName();
            assertThat(request.body).contains(
                    "\"checkName\":\"" + name + ".logsIn\"",
                    "\"checkName\":\"" + name + ".checksOut\"",
                    "\"checkName\":\"" + name + ".installsIn[[1] product=jira]\"",
                    "\"checkName\":\"" + name + ".installsIn[[2] product=confluence]\"")
                    .doesNotContain("onlyOnMondays", "exports");
            assertThat(request.body).containsPattern("\\{[^}]*\"status\":\"FAIL\"[^}]*checksOut");
            assertThat(request.body).containsPattern("\\{[^}]*\"durationInMillis\":(\\d\\d+)[^}]*logsIn\"");
        });
    }

    @Test
    void anUnreachableRampartIsAWarningAndTheRunKeepsItsOutcomes() {
        receiver.close();
        environment = Map.of("RAMPART_URL", receiver.url().toString(), "RAMPART_APP_KEY", "com.acme.timesheets",
                "RAMPART_SHARED_SECRET", "secret", "RAMPART_RETRY_SECONDS", "1");

        EngineExecutionResults events = run();

        events.containerEvents().assertStatistics(stats -> stats.failed(0));
        events.testEvents().assertStatistics(stats -> stats.succeeded(3).failed(1).aborted(1).skipped(1));
    }

    @Test
    void withoutRampartUrlNothingIsPublishedAndNothingFails() {
        environment = Map.of();

        EngineExecutionResults events = run();

        events.containerEvents().assertStatistics(stats -> stats.failed(0));
        assertThat(receiver.received()).isEmpty();
    }
}
