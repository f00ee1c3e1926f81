package io.rampart.publisher.junit;

import io.rampart.publisher.MetricItem;
import io.rampart.publisher.MetricStatus;
import io.rampart.publisher.PublishException;
import io.rampart.publisher.PublishResult;
import io.rampart.publisher.RampartPublisher;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The extension behind {@link PublishToRampart}: times each test from just before it runs, keeps
 * its outcome (aborted and disabled tests are not sent), and publishes the class's results in one
 * batch after the class. Public so that it can also be registered with {@code @ExtendWith} or
 * {@code @RegisterExtension}, e.g. with an explicit environment.
 */
public class PublishToRampartExtension implements BeforeTestExecutionCallback, TestWatcher, AfterAllCallback {

    static final String URL = "RAMPART_URL";
    static final String APP_KEY = "RAMPART_APP_KEY";
    static final String SHARED_SECRET = "RAMPART_SHARED_SECRET";
    static final String RETRY_SECONDS = "RAMPART_RETRY_SECONDS";

    private static final System.Logger LOG = System.getLogger(PublishToRampartExtension.class.getName());
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PublishToRampartExtension.class);
    private static final String STARTED = "started";
    private static final String RESULTS = "results";

    private final Map<String, String> environment;

    public PublishToRampartExtension() {
        this(System.getenv());
    }

    /** @param environment where the {@code RAMPART_*} settings are looked up */
    public PublishToRampartExtension(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        context.getStore(NAMESPACE).put(STARTED, System.nanoTime());
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        record(context, MetricStatus.SUCCESS);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        record(context, MetricStatus.FAIL);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<MetricItem> results = results(context);
        if (results.isEmpty()) {
            return;
        }
        String url = environment.get(URL);
        if (url == null || url.isBlank()) {
            LOG.log(System.Logger.Level.INFO, "{0} is not set: {1} test result(s) of {2} not published to Rampart",
                    URL, results.size(), context.getDisplayName());
            return;
        }
        try {
            RampartPublisher publisher = RampartPublisher.builder(URI.create(url.trim()), environment.get(APP_KEY),
                            environment.get(SHARED_SECRET))
                    .retryFor(Duration.ofSeconds(retrySeconds())).build();
            PublishResult published = publisher.publish(results);
            LOG.log(System.Logger.Level.INFO, "published {0} test result(s) of {1} to Rampart ({2})",
                    results.size(), context.getDisplayName(), published);
        } catch (PublishException | IllegalArgumentException e) {
            // Rampart's state must not decide whether the vendor's build passes.
            LOG.log(System.Logger.Level.WARNING, "could not publish {0} test result(s) of {1} to Rampart: {2}",
                    results.size(), context.getDisplayName(), e.getMessage());
        }
    }

    private void record(ExtensionContext context, MetricStatus status) {
        Long started = context.getStore(NAMESPACE).get(STARTED, Long.class);
        MetricItem item = MetricItem.synthetic(status).withCheckName(checkName(context)).withTimestamp(Instant.now());
        if (started != null) {
            item = item.withDurationMillis(Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
        results(context).add(item);
    }

    /** {@code class.method}, with the invocation's display name for repeated and parameterized tests. */
    static String checkName(ExtensionContext context) {
        String name = context.getRequiredTestClass().getName() + "." + context.getTestMethod().map(java.lang.reflect.Method::getName).orElse(context.getDisplayName());
        Optional<ExtensionContext> parent = context.getParent();
        boolean invocation = parent.isPresent() && parent.get().getTestMethod().isPresent();
        if (invocation) {
            name = name + "[" + context.getDisplayName() + "]";
        }
        return JUnitXmlReports.fitCheckName(name);
    }

    /** The class's results, kept in the class's store (shared by the tests of that class, in order). */
    @SuppressWarnings("unchecked")
    private static List<MetricItem> results(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(RESULTS, key -> Collections.synchronizedList(new ArrayList<>()),
                List.class);
    }

    private long retrySeconds() {
        String value = environment.get(RETRY_SECONDS);
        try {
            return value == null || value.isBlank() ? 10 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(RETRY_SECONDS + " is not a whole number of seconds");
        }
    }
}
