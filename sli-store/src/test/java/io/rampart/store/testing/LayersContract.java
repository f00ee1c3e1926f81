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

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The layers every HTTP service keeps (docs/architecture.md, "Layers and the error contract"),
 * checked on the service's main classes by its {@code LayersTest}, which extends this contract:
 * HTTP is spoken only by the {@code *Resource} classes and the service's {@code api} package;
 * services, writers, validators and repositories refuse with the store's
 * {@link io.rampart.store.error.Refusal}, which says what went wrong in no protocol's terms; the
 * {@code api} package alone turns it into a status and an {@link ErrorBody}.
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

    private static DescribedPredicate<JavaClass> declaresExceptionMappers() {
        return DescribedPredicate.describe("declare exception mappers (@ServerExceptionMapper)",
                javaClass -> javaClass.getMethods().stream().anyMatch(method -> method.isAnnotatedWith(EXCEPTION_MAPPER)));
    }
}
