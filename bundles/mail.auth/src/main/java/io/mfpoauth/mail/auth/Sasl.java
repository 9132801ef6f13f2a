package io.mfpoauth.mail.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;

import io.mfpoauth.mail.OAuthMechanism;

/**
 * The SASL mechanisms the device signs in with, and their initial responses. The responses hold the token or the
 * password: send them, never log them.
 */
public enum Sasl {
    /** RFC 4616. */
    PLAIN,
    /** Google's and Microsoft's {@code user=...^Aauth=Bearer ...^A^A}. */
    XOAUTH2,
    /** RFC 7628. */
    OAUTHBEARER;

    /** The mechanism name as servers list it. */
    public String mechanismName() {
        return name();
    }

    /**
     * The OAuth mechanism to use, given the setting's choice and the mechanisms the server offers (upper case).
     *
     * @return the mechanism, or null when the server offers none that fits
     */
    public static Sasl choose(OAuthMechanism choice, Collection<String> offered) {
        switch (choice == null ? OAuthMechanism.AUTO : choice) {
            case XOAUTH2:
                return offered.contains("XOAUTH2") ? XOAUTH2 : null;
            case OAUTHBEARER:
                return offered.contains("OAUTHBEARER") ? OAUTHBEARER : null;
            default:
                if (offered.contains("XOAUTH2")) {
                    return XOAUTH2;
                }
                return offered.contains("OAUTHBEARER") ? OAUTHBEARER : null;
        }
    }

    /** Base64 of {@code user=<user>^Aauth=Bearer <token>^A^A}. */
    public static String xoauth2(String user, String accessToken) {
        return encode("user=" + requireLine(user) + '\u0001' + "auth=Bearer " + requireLine(accessToken)
                + "\u0001\u0001");
    }

    /** Base64 of RFC 7628's {@code n,a=<user>,^Ahost=<host>^Aport=<port>^Aauth=Bearer <token>^A^A}. */
    public static String oauthBearer(String user, String host, int port, String accessToken) {
        return encode("n,a=" + saslName(requireLine(user)) + ",\u0001host=" + requireLine(host) + "\u0001port=" + port
                + "\u0001auth=Bearer " + requireLine(accessToken) + "\u0001\u0001");
    }

    /** Base64 of {@code ^@<user>^@<password>}. */
    public static String plain(String user, String password) {
        return encode('\u0000' + requireLine(user) + '\u0000' + requireLine(password));
    }

    /**
     * The client's answer to an OAuth error challenge (RFC 7628 §3.2.3: a single ^A; XOAUTH2 takes an empty line
     * the same way). The server then sends its final failure reply.
     */
    public static String errorAcknowledgement(Sasl mechanism) {
        return mechanism == OAUTHBEARER ? encode("\u0001") : "";
    }

    /**
     * Decodes a server challenge for a message (the error JSON of XOAUTH2 and OAUTHBEARER), bounded and reduced to
     * printable characters; the undecoded text when it is not Base64.
     */
    public static String readableChallenge(String challenge) {
        if (challenge == null) {
            return "";
        }
        String text = challenge.trim();
        try {
            text = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            // shown as sent
        }
        return Failures.printable(text);
    }

    /** RFC 5801 saslname: ',' and '=' escaped. */
    private static String saslName(String user) {
        return user.replace("=", "=3D").replace(",", "=2C");
    }

    private static String requireLine(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("empty SASL field");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                // Never echo the value: it may be a token or password.
                throw new IllegalArgumentException("SASL field with a control character");
            }
        }
        return value;
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return name().toUpperCase(Locale.ROOT);
    }
}
