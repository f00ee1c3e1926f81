package io.rampart.publisher.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Publishes the outcome and duration of each test of the annotated class to Rampart as a
 * SYNTHETIC check named {@code class.method}, once the class has run. Configured by environment
 * variables: {@code RAMPART_URL} (event-ingest's base URL), {@code RAMPART_APP_KEY},
 * {@code RAMPART_SHARED_SECRET}, optionally {@code RAMPART_RETRY_SECONDS} (default 10). Without
 * {@code RAMPART_URL} nothing is published; an unreachable or refusing Rampart is a warning on the
 * log, never a failed test run.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(PublishToRampartExtension.class)
public @interface PublishToRampart {
}
