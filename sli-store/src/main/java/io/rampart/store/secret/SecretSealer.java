package io.rampart.store.secret;

import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seals secrets with AES-256-GCM before they are stored, binding each to its owner (the app key
 * is the associated data, so a sealed value copied to another app does not open).
 */
@ApplicationScoped
public class SecretSealer {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int SECRET_BYTES = 32;

    /** A sealed secret: the id of the key that sealed it and {@code nonce || ciphertext}. */
    public record Sealed(String keyId, byte[] bytes) {
    }

    private final SecureRandom random = new SecureRandom();
    private final String activeKeyId;
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();

    public SecretSealer(SecretsConfig config) {
        this.activeKeyId = addKey(config.key());
        config.previousKeys().ifPresent(previous -> previous.forEach(this::addKey));
    }

    /** A new secret to hand out once and store sealed: 32 random bytes, base64url without padding (43 characters). */
    public String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public Sealed seal(String owner, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] ciphertext = crypt(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), nonce, owner,
                secret.getBytes(StandardCharsets.UTF_8), 0);
        return new Sealed(activeKeyId, ByteBuffer.allocate(nonce.length + ciphertext.length)
                .put(nonce).put(ciphertext).array());
    }

    public String open(String owner, Sealed sealed) {
        SecretKey key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("no sealing key with id " + sealed.keyId() + " is configured");
        }
        byte[] nonce = Arrays.copyOf(sealed.bytes(), NONCE_BYTES);
        return new String(crypt(Cipher.DECRYPT_MODE, key, nonce, owner, sealed.bytes(), NONCE_BYTES),
                StandardCharsets.UTF_8);
    }

    private static byte[] crypt(int mode, SecretKey key, byte[] nonce, String owner, byte[] input, int offset) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input, offset, input.length - offset);
        } catch (GeneralSecurityException e) {
            // The message names no key material: it may reach a log.
            throw new IllegalStateException("secret could not be " + (mode == Cipher.ENCRYPT_MODE ? "sealed" : "opened"), e);
        }
    }

    private String addKey(String idAndKey) {
        int colon = idAndKey.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a sealing key is written id:base64");
        }
        byte[] key = Base64.getDecoder().decode(idAndKey.substring(colon + 1).trim());
        if (key.length != 32) {
            throw new IllegalArgumentException("sealing key " + idAndKey.substring(0, colon) + " must be 32 bytes");
        }
        String id = idAndKey.substring(0, colon).trim();
        keys.put(id, new SecretKeySpec(key, "AES"));
        return id;
    }
}
