package io.rampart.prober.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate authority made at test time, and server certificates it signs for localhost and
 * 127.0.0.1 with a chosen validity, all by the JDK's keytool (what the project's other tests use;
 * no BouncyCastle on the class path).
 */
public final class TestCertificates {

    private static final String PASSWORD = "test-ca";

    private final Path directory;
    private final Path caKeyStore;
    private final Path caPem;
    private int issued;

    /** A new CA named {@code CN=<name>} in a temporary directory. */
    public TestCertificates(String name) {
        try {
            directory = Files.createTempDirectory("rampart-ca");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        caKeyStore = directory.resolve("ca.p12");
        caPem = directory.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=" + name, "-ext", "bc:c",
                "-validity", "3650", "-keystore", caKeyStore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caKeyStore.toString(), "-storepass", PASSWORD,
                "-file", caPem.toString());
    }

    /** The CA's certificate (PEM), for a trust store. */
    public Path caPem() {
        return caPem;
    }

    public String password() {
        return PASSWORD;
    }

    /**
     * A PKCS#12 key store holding a key and its chain (leaf, CA) for localhost and 127.0.0.1,
     * valid from a day ago for {@code validityDays} days (so it expires validityDays - 1 days from now).
     */
    public Path serverKeyStore(int validityDays) {
        Path keyStore = directory.resolve("server-" + (++issued) + ".p12");
        Path request = directory.resolve("server-" + issued + ".csr");
        Path signed = directory.resolve("server-" + issued + ".pem");
        String store = keyStore.toString();
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-keystore", store,
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-certreq", "-alias", "server", "-keystore", store, "-storepass", PASSWORD, "-file", request.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", caKeyStore.toString(), "-storepass", PASSWORD, "-rfc",
                "-infile", request.toString(), "-outfile", signed.toString(), "-startdate", "-1d",
                "-validity", Integer.toString(validityDays), "-ext", "SAN=dns:localhost,ip:127.0.0.1");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", store,
                "-storepass", PASSWORD);
        keytool("-importcert", "-alias", "server", "-file", signed.toString(), "-keystore", store,
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        return keyStore;
    }

    /** The leaf certificate of a key store made by {@link #serverKeyStore(int)}. */
    public X509Certificate leaf(Path keyStore) {
        try (var in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            return (X509Certificate) store.getCertificate("server");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
