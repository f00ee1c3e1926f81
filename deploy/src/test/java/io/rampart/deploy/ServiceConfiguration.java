package io.rampart.deploy;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's configuration in the prod profile, read from its sources at test time: the settings
 * every service shares (sli-store's META-INF/microprofile-config.properties), its own
 * application.properties on top, and the extensions its pom depends on.
 */
public final class ServiceConfiguration {

    public static final Set<String> SERVICES = Set.of("healthcheck-prober", "event-ingest", "sli-api");

    static final Path SHARED = Manifests.PROJECT.resolve("sli-store/src/main/resources/META-INF/microprofile-config.properties");

    // ${NAME} or ${NAME:default}.
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");
    // A default under /dev/null/ names a file that cannot exist: a stand-in that refuses everything (e.g. every platform token).
    private static final String UNUSABLE_DEFAULT = "/dev/null/";

    private final String service;
    private final Map<String, String> prod;
    private final Set<String> extensions;

    private ServiceConfiguration(String service, Map<String, String> prod, Set<String> extensions) {
        this.service = service;
        this.prod = prod;
        this.extensions = extensions;
    }

    public static ServiceConfiguration of(String service) {
        if (!SERVICES.contains(service)) {
            throw new IllegalArgumentException("not a Rampart service: " + service);
        }
        Path module = Manifests.PROJECT.resolve(service);
        Map<String, String> written = new HashMap<>();
        written.putAll(read(SHARED));
        written.putAll(read(module.resolve("src/main/resources/application.properties")));
        Map<String, String> prod = new HashMap<>();
        written.forEach((key, value) -> {
            // A %prod value wins over the plain one, whichever comes first.
            if (!key.startsWith("%")) {
                prod.putIfAbsent(key, value);
            } else if (key.startsWith("%prod.")) {
                prod.put(key.substring("%prod.".length()), value);
            }
        });
        return new ServiceConfiguration(service, prod, dependencies(module.resolve("pom.xml")));
    }

    public String service() {
        return service;
    }

    /**
     * Environment variables the service cannot start or serve without in prod: every variable a
     * setting refers to without a default (or with a default naming a file under /dev/null/), and
     * the platform public key where smallrye-jwt is used and no key is configured (smallrye-jwt has
     * no default for it).
     */
    public Set<String> requiredEnvironment() {
        Set<String> required = new TreeSet<>();
        prod.values().forEach(value -> {
            Matcher matcher = EXPRESSION.matcher(value);
            while (matcher.find()) {
                if (matcher.group(2) == null || matcher.group(2).contains(UNUSABLE_DEFAULT)) {
                    required.add(environmentName(matcher.group(1)));
                }
            }
        });
        if (extensions.contains("quarkus-smallrye-jwt")
                && !prod.containsKey("mp.jwt.verify.publickey.location") && !prod.containsKey("mp.jwt.verify.publickey")) {
            required.add("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
        }
        return required;
    }

    /** The HTTP paths of the health endpoints the service serves (none without smallrye-health). */
    public Set<String> healthPaths() {
        if (!extensions.contains("quarkus-smallrye-health")) {
            return Set.of();
        }
        String health = nonApplicationPath(setting("quarkus.smallrye-health.root-path", "health"));
        Set<String> paths = new HashSet<>();
        for (String[] probe : new String[][] {{"liveness-path", "live"}, {"readiness-path", "ready"}, {"startup-path", "started"}}) {
            paths.add(join(health, setting("quarkus.smallrye-health." + probe[0], probe[1])));
        }
        return paths;
    }

    public String livenessPath() {
        return join(nonApplicationPath(setting("quarkus.smallrye-health.root-path", "health")),
                setting("quarkus.smallrye-health.liveness-path", "live"));
    }

    public String readinessPath() {
        return join(nonApplicationPath(setting("quarkus.smallrye-health.root-path", "health")),
                setting("quarkus.smallrye-health.readiness-path", "ready"));
    }

    /** Whether health checks and metrics are served on Quarkus's management interface, a port apart from the API. */
    public boolean managementInterface() {
        return Boolean.parseBoolean(setting("quarkus.management.enabled", "false"));
    }

    /** Where Prometheus scrapes, or null without the Micrometer Prometheus registry. */
    public String metricsPath() {
        if (!extensions.contains("quarkus-micrometer-registry-prometheus")) {
            return null;
        }
        return nonApplicationPath(setting("quarkus.micrometer.export.prometheus.path", "metrics"));
    }

    public Duration shutdownTimeout() {
        String value = setting("quarkus.shutdown.timeout", null);
        if (value == null) {
            return Duration.ZERO;
        }
        return value.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(value))
                : Duration.parse(value.startsWith("P") ? value : "PT" + value.toUpperCase(Locale.ROOT));
    }

    /** Connections one instance can hold at once: the reactive pool and the JDBC pool (Quarkus' defaults where unset). */
    public int maxDatabaseConnections() {
        return Integer.parseInt(setting("quarkus.datasource.reactive.max-size", "20"))
                + Integer.parseInt(setting("quarkus.datasource.jdbc.max-size", "20"));
    }

    /**
     * registry/group/name of the image the build makes, where the build sets the registry (the
     * service's configuration; Quarkus' defaults for the rest). Empty while no registry is set.
     */
    public Optional<String> containerImage() {
        String registry = setting("quarkus.container-image.registry", null);
        if (registry == null) {
            return Optional.empty();
        }
        String group = setting("quarkus.container-image.group", System.getProperty("user.name"));
        String name = setting("quarkus.container-image.name", setting("quarkus.application.name", service));
        return Optional.of(registry + "/" + group + "/" + name);
    }

    private String setting(String key, String fallback) {
        return prod.getOrDefault(key, fallback);
    }

    private String nonApplicationPath(String path) {
        return path.startsWith("/") ? path : join("/" + setting("quarkus.http.non-application-root-path", "q"), path);
    }

    private static String join(String parent, String child) {
        if (child.startsWith("/")) {
            return child;
        }
        return (parent.endsWith("/") ? parent : parent + "/") + child;
    }

    /** MicroProfile Config's environment name of a property: upper case, every other character an underscore. */
    static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static Map<String, String> read(Path file) {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }

    /** artifactIds the module depends on outside the test scope. */
    private static Set<String> dependencies(Path pom) {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            var document = factory.newDocumentBuilder().parse(pom.toFile());
            Set<String> artifacts = new HashSet<>();
            NodeList dependencies = document.getElementsByTagName("dependency");
            for (int i = 0; i < dependencies.getLength(); i++) {
                Element dependency = (Element) dependencies.item(i);
                if (dependency.getParentNode().getParentNode().getNodeName().equals("project")
                        && !"test".equals(text(dependency, "scope"))) {
                    artifacts.add(text(dependency, "artifactId"));
                }
            }
            return artifacts;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom, e);
        }
    }

    private static String text(Element parent, String child) {
        NodeList nodes = parent.getElementsByTagName(child);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }
}
