package io.rampart.store.secret;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretSealerTest {

    private static final String OLD_KEY = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);
    private static final String NEW_KEY = "k2:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void opensWhatItSealedButStoresNoPlaintext() {
        SecretSealer sealer = sealer(NEW_KEY);
        SecretSealer.Sealed sealed = sealer.seal("com.acme.app", "s3cret-value");
        assertThat(new String(sealed.bytes())).doesNotContain("s3cret");
        assertThat(sealed.keyId()).isEqualTo("k2");
        assertThat(sealer.open("com.acme.app", sealed)).isEqualTo("s3cret-value");
    }

    @Test
    void aSealedSecretDoesNotOpenForAnotherApp() {
        SecretSealer sealer = sealer(NEW_KEY);
        SecretSealer.Sealed sealed = sealer.seal("com.acme.app", "s3cret-value");
        assertThatThrownBy(() -> sealer.open("com.evil.app", sealed))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("s3cret");
    }

    @Test
    void secretsSealedBeforeAKeyRotationStillOpen() {
        SecretSealer.Sealed sealedWithOldKey = sealer(OLD_KEY).seal("app", "before-rotation");
        SecretSealer rotated = sealer(NEW_KEY, OLD_KEY);
        assertThat(rotated.open("app", sealedWithOldKey)).isEqualTo("before-rotation");
        assertThat(rotated.seal("app", "after").keyId()).isEqualTo("k2");
    }

    @Test
    void rejectsAKeyOfTheWrongSize() {
        assertThatThrownBy(() -> sealer("short:" + Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes");
    }

    private static SecretSealer sealer(String key, String... previous) {
        return new SecretSealer(new SecretsConfig() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public Optional<List<String>> previousKeys() {
                return previous.length == 0 ? Optional.empty() : Optional.of(List.of(previous));
            }
        });
    }
}
