package io.rampart.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The strict loader finds the mistakes the manifest tests rely on it to find. */
class StrictKubernetesModelTest {

    private final StrictKubernetesModel model = new StrictKubernetesModel();

    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: sli-api
            spec:
              selector:
                app.kubernetes.io/name: sli-api
              ports:
                - name: http
                  port: 80
                  targetPort: http
            """;

    @Test
    void acceptsAValidObject() {
        assertThat(problems(SERVICE)).isEmpty();
    }

    @Test
    void findsAnUnknownField() {
        assertThat(problems(SERVICE.replace("targetPort: http", "targetPort: http\n      tragetPort: http")))
                .singleElement().asString().contains("unknown field").contains("tragetPort");
    }

    @Test
    void findsAnUnknownFieldDeepInAPodTemplate() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: x
                spec:
                  selector:
                    matchLabels: {app: x}
                  template:
                    metadata:
                      labels: {app: x}
                    spec:
                      containers:
                        - name: x
                          image: x:1
                          securityContext:
                            readOnlyRootFileSystem: true
                """;
        assertThat(problems(deployment)).singleElement().asString().contains("readOnlyRootFileSystem");
    }

    @Test
    void findsAWrongType() {
        assertThat(problems(SERVICE.replace("port: 80", "port: eighty"))).singleElement().asString().startsWith("wrong type");
    }

    @Test
    void findsANumberQuotedWhereAnIntegerBelongs() {
        assertThat(problems(SERVICE.replace("port: 80", "port: \"80\""))).singleElement().asString().startsWith("wrong type");
    }

    @Test
    void findsAFractionWhereAnIntegerBelongs() {
        assertThat(problems(SERVICE.replace("port: 80", "port: 80.5"))).singleElement().asString().startsWith("wrong type");
    }

    @Test
    void findsANumberUnquotedWhereAStringBelongs() {
        String configMap = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: x
                data:
                  RAMPART_DB_PORT: 5432
                """;
        assertThat(problems(configMap)).singleElement().asString().startsWith("wrong type");
    }

    @Test
    void findsAnUnknownKind() {
        assertThat(problems(SERVICE.replace("kind: Service", "kind: Servise"))).singleElement().asString().contains("unknown kind");
    }

    @Test
    void checksACustomResourceAgainstItsSchema() {
        String cluster = """
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata:
                  name: db
                spec:
                  instances: 3
                  storage:
                    size: 10Gi
                  postgresql:
                    parameters:
                      max_connections: "400"
                """;
        assertThat(problems(cluster)).isEmpty();
        assertThat(problems(cluster.replace("instances: 3", "instances: three"))).singleElement().asString()
                .contains("spec.instances must be integer");
        assertThat(problems(cluster.replace("max_connections: \"400\"", "max_connections: 400"))).singleElement().asString()
                .contains("wrong type");
        assertThat(problems(cluster.replace("instances: 3", "instance: 3"))).singleElement().asString()
                .contains("unknown field spec.instance ");
        assertThat(problems(cluster.replace("name: db", "name: db\n  lables: {a: b}"))).singleElement().asString()
                .contains("unknown field metadata.lables");
    }

    private List<String> problems(String yaml) {
        List<Manifest> manifests = Manifests.parse(yaml, "test");
        assertThat(manifests).hasSize(1);
        return model.problems(manifests.get(0));
    }
}
