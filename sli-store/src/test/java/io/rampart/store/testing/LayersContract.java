package io.rampart.store.testing;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.rampart.store.error.ErrorBody;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers every HTTP service keeps (docs/architecture.md, "Layers and the error contract"),
 * checked on the service's main classes by its {@code LayersTest}, which extends this contract:
 * HTTP is spoken only by the {@code *Resource} classes and the service's {@code api} package;
 * services, validators and repositories refuse with the store's
 * {@link io.rampart.store.error.Refusal}, which says what went wrong in no protocol's terms; the
 * {@code api} package alone turns it into a status and an {@link ErrorBody}. Every SQL statement
 * lives in a {@code *Repository}, the one name of the data-access classes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LayersContract {

    /** The packages of the REST layer: JAX-RS and RESTEasy Reactive. */
    public static final String[] REST_PACKAGES = {"jakarta.ws.rs..", "org.jboss.resteasy.."};
    /** Whatever speaks HTTP: the REST layer, Vert.x's HTTP server and router, and the store's HTTP bindings. */
    public static final String[] HTTP_PACKAGES = {"jakarta.ws.rs..", "org.jboss.resteasy..", "io.vertx.core.http..",
            "io.vertx.ext.web..", "io.rampart.store.http.."};
    /** The store's HTTP answer to a refusal. */
    public static final String REFUSAL_ANSWER = "io.rampart.store.http.RefusalAnswer";
    /** The package of the error contract in the store. */
    public static final String ERROR_CONTRACT = "io.rampart.store.error..";

    /** The client the services reach the database with. */
    public static final String SQL_CLIENT = "io.vertx.mutiny.sqlclient..";
    /** Suffixes data-access classes once had; {@code Repository} is the only one now. */
    public static final String[] OLD_DATA_ACCESS_SUFFIXES = {"Store", "Queries", "Reader", "Writer", "Secrets"};
    /**
     * An SQL statement in a string: select ... from, insert into, update ... set, delete from, or a
     * common table expression (with ... as ( ).
     */
    public static final Pattern SQL = Pattern.compile("\\bselect\\b.*?\\bfrom\\b|\\binsert\\s+into\\b"
            + "|\\bupdate\\s+[\\w.\"]+(\\s+(as\\s+)?\\w+)?\\s+set\\b|\\bdelete\\s+from\\b"
            + "|\\bwith\\s+(recursive\\s+)?\\w+\\s*(\\([^)]*\\))?\\s*as\\s*(not\\s+)?(materialized\\s+)?\\(",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private static final String EXCEPTION_MAPPER = "org.jboss.resteasy.reactive.server.ServerExceptionMapper";

    private JavaClasses classes;

    /** The service's root package, e.g. {@code io.rampart.ingest}; its {@code api} package is below it. */
    protected abstract String service();

    @BeforeAll
    void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(service(), ERROR_CONTRACT.replace("..", ""));
    }

    @Test
    void onlyResourcesAndApiSpeakRest() {
        restLayer(service()).check(classes);
    }

    @Test
    void exceptionMappersLiveInApi() {
        mapperPlacement(service()).check(classes);
    }

    @Test
    void nothingOutsideApiUsesTheMapper() {
        mapperUse(service()).check(classes);
    }

    @Test
    void onlyApiBuildsErrorBodies() {
        errorBodies(service()).check(classes);
    }

    @Test
    void errorContractSpeaksNoHttp() {
        errorContract().check(classes);
    }

    /**
     * Every SQL statement of the service's main sources (the module's {@code src/main/java}, the
     * working directory of its tests being the module) is in a class named {@code *Repository}: a
     * string literal or text block outside one that holds a statement fails, comments aside.
     */
    @Test
    void sqlLivesInRepositories() {
        assertThat(filesWithSqlOutsideRepositories(Path.of("src", "main", "java")))
                .as("SQL statements outside a *Repository (docs/architecture.md: every statement is a named "
                        + "constant of the data-access class, the *Repository)")
                .isEmpty();
    }

    @Test
    void dataAccessClassesAreRepositories() {
        dataAccessNames(service()).check(classes);
    }

    /** No class named like the data-access classes of old (Store, Queries, Reader, Writer, Secrets) uses the SQL client. */
    public static ArchRule dataAccessNames(String service) {
        return noClasses().that().resideInAPackage(service + "..").and(oldDataAccessName())
                .should().dependOnClassesThat().resideInAPackage(SQL_CLIENT)
                .because("data-access classes have one suffix, Repository")
                // A service may have no class of such a name at all.
                .allowEmptyShould(true);
    }

    /** The files under {@code sources} outside a {@code *Repository} with an SQL statement in a string, with the statement's start. */
    public static List<String> filesWithSqlOutsideRepositories(Path sources) {
        assertThat(sources).as("the module's main sources, from the module directory").isDirectory();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
                if (file.getFileName().toString().endsWith("Repository.java")) {
                    continue;
                }
                for (String string : strings(Files.readString(file))) {
                    java.util.regex.Matcher sql = SQL.matcher(string);
                    if (sql.find()) {
                        found.add(file + ": " + string.substring(sql.start()).strip().lines().findFirst().orElse(""));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /**
     * The contents of a Java source's string literals and text blocks, comments left out; literals
     * joined by {@code +} count as one string.
     */
    static List<String> strings(String source) {
        List<String> strings = new ArrayList<>();
        int at = 0;
        boolean joined = false;
        while (at < source.length()) {
            char c = source.charAt(at);
            if (source.startsWith("//", at)) {
                int end = source.indexOf('\n', at);
                at = end < 0 ? source.length() : end;
            } else if (source.startsWith("/*", at)) {
                int end = source.indexOf("*/", at + 2);
                at = end < 0 ? source.length() : end + 2;
            } else if (c == '\'') {
                at = skipQuoted(source, at + 1, "'");
                joined = false;
            } else if (c == '"') {
                String quote = source.startsWith("\"\"\"", at) ? "\"\"\"" : "\"";
                int start = at + quote.length();
                at = skipQuoted(source, start, quote);
                String content = source.substring(start, Math.max(start, at - quote.length()));
                if (joined && !strings.isEmpty()) {
                    strings.set(strings.size() - 1, strings.get(strings.size() - 1) + content);
                } else {
                    strings.add(content);
                }
                int next = at;
                while (next < source.length() && Character.isWhitespace(source.charAt(next))) {
                    next++;
                }
                joined = next < source.length() && source.charAt(next) == '+';
                if (joined) {
                    at = next + 1;
                }
            } else {
                if (!Character.isWhitespace(c)) {
                    joined = false;
                }
                at++;
            }
        }
        return strings;
    }

    /** The index just past the closing {@code quote} of a literal whose content starts at {@code at}. */
    private static int skipQuoted(String source, int at, String quote) {
        while (at < source.length() && !source.startsWith(quote, at)) {
            at += source.charAt(at) == '\\' ? 2 : 1;
        }
        return Math.min(source.length(), at + quote.length());
    }

    /**
     * Only the {@code *Resource} classes (and what they nest) and the {@code api} package depend on
     * the REST layer, or on {@link #REFUSAL_ANSWER}, which answers a refusal in its terms.
     */
    public static ArchRule restLayer(String service) {
        return noClasses().that().resideInAPackage(service + "..").and().resideOutsideOfPackage(api(service))
                .and(DescribedPredicate.not(resource()))
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage(REST_PACKAGES)
                        .or(HasName.Predicates.name(REFUSAL_ANSWER)))
                .because("HTTP is the resources' and the api package's business: the rest of the service throws Refusal");
    }

    /** Exception mappers (the methods that answer a refusal or a failure) are declared in the {@code api} package only. */
    public static ArchRule mapperPlacement(String service) {
        return methods().that().areDeclaredInClassesThat().resideInAPackage(service + "..")
                .and().areAnnotatedWith(EXCEPTION_MAPPER)
                .should().beDeclaredInClassesThat().resideInAPackage(api(service))
                .because("one mapper of the service turns refusals into answers")
                // A service without a REST API of its own (the prober) has no mapper at all.
                .allowEmptyShould(true);
    }

    /** No class outside the {@code api} package depends on a class that declares exception mappers. */
    public static ArchRule mapperUse(String service) {
        return noClasses().that().resideInAPackage(service + "..").and().resideOutsideOfPackage(api(service))
                .should().dependOnClassesThat(declaresExceptionMappers())
                .because("the rest of the service refuses by throwing Refusal, never by calling the mapper");
    }

    /** Only the {@code api} package builds error bodies: everything else throws a Refusal. */
    public static ArchRule errorBodies(String service) {
        return noClasses().that().resideInAPackage(service + "..").and().resideOutsideOfPackage(api(service))
                .should().dependOnClassesThat().belongToAnyOf(ErrorBody.class)
                .because("a refusal is thrown as Refusal; the api package alone writes its body");
    }

    /** The error contract (Refusal, ErrorBody) lives in the store and depends on nothing HTTP. */
    public static ArchRule errorContract() {
        return classes().that().resideInAPackage(ERROR_CONTRACT)
                .should().onlyDependOnClassesThat().resideOutsideOfPackages(HTTP_PACKAGES)
                .because("a refusal says what went wrong; how it is answered is each service's api package's business");
    }

    private static String api(String service) {
        return service + ".api..";
    }

    /** A class named {@code *Resource}, or one nested in such a class (its records, lambdas' classes, anonymous classes). */
    private static DescribedPredicate<JavaClass> resource() {
        return DescribedPredicate.describe("a *Resource or nested in one",
                javaClass -> javaClass.getName().replaceAll("\\$.*", "").endsWith("Resource"));
    }

    /** A class (or one nested in it) named with one of {@link #OLD_DATA_ACCESS_SUFFIXES}. */
    private static DescribedPredicate<JavaClass> oldDataAccessName() {
        return DescribedPredicate.describe("are named *Store, *Queries, *Reader, *Writer or *Secrets",
                javaClass -> Stream.of(OLD_DATA_ACCESS_SUFFIXES)
                        .anyMatch(javaClass.getName().replaceAll("\\$.*", "")::endsWith));
    }

    private static DescribedPredicate<JavaClass> declaresExceptionMappers() {
        return DescribedPredicate.describe("declare exception mappers (@ServerExceptionMapper)",
                javaClass -> javaClass.getMethods().stream().anyMatch(method -> method.isAnnotatedWith(EXCEPTION_MAPPER)));
    }
}
