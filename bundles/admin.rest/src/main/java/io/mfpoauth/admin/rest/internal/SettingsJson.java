package io.mfpoauth.admin.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.OAuthMechanism;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.Security;
import io.mfpoauth.mail.SmtpSettings;

/**
 * The SMTP and POP settings in JSON. Out: every field the contract names but {@code password}, which is write-only
 * ({@code passwordSet} says whether one is stored). In: a PUT body is laid over the current settings, so a field the
 * body leaves out keeps its value and a field it sets to null is cleared; {@code password} left out or null keeps the
 * stored one, and {@code passwordSet} is read-only (ignored). A bad value is refused naming its field.
 */
final class SettingsJson {
    private SettingsJson() {
    }

    /** The fields SMTP and POP settings share, copied out of one and into the other. */
    private record Common(String server, int port, int timeoutSeconds, Security security, AuthMethod authMethod,
            String username, String password, String provider, String account, OAuthMechanism oauthMechanism,
            boolean passwordSet) {

        static Common of(SmtpSettings s) {
            return new Common(s.server, s.port, s.timeoutSeconds, s.security, s.authMethod, s.username, null,
                    s.provider, s.account, s.oauthMechanism, s.passwordSet);
        }

        static Common of(PopSettings s) {
            return new Common(s.server, s.port, s.timeoutSeconds, s.security, s.authMethod, s.username, null,
                    s.provider, s.account, s.oauthMechanism, s.passwordSet);
        }

        Common merge(JsonNode body) throws ApiException {
            return new Common(textOr(body, "server", server), Json.integer(body, "port", port),
                    Json.integer(body, "timeoutSeconds", timeoutSeconds),
                    Json.key(body, "security", Security::parse, security),
                    Json.key(body, "authMethod", AuthMethod::parse, authMethod), textOr(body, "username", username),
                    Json.text(body, "password"), textOr(body, "provider", provider),
                    textOr(body, "account", account),
                    Json.key(body, "oauthMechanism", OAuthMechanism::parse, oauthMechanism), passwordSet);
        }

        void into(SmtpSettings s) {
            s.server = server;
            s.port = port;
            s.timeoutSeconds = timeoutSeconds;
            s.security = security;
            s.authMethod = authMethod;
            s.username = username;
            s.password = password;
            s.provider = provider;
            s.account = account;
            s.oauthMechanism = oauthMechanism;
        }

        void into(PopSettings s) {
            s.server = server;
            s.port = port;
            s.timeoutSeconds = timeoutSeconds;
            s.security = security;
            s.authMethod = authMethod;
            s.username = username;
            s.password = password;
            s.provider = provider;
            s.account = account;
            s.oauthMechanism = oauthMechanism;
        }

        /** Writes {@code server} and {@code port}, the first fields of both. */
        void connection(ObjectNode node) {
            Json.put(node, "server", server);
            node.put("port", port);
        }

        /** Writes the sign-in fields, in the order the contract lists them. */
        void signIn(ObjectNode node) {
            if (security != null) {
                node.put("security", security.key());
            }
            if (authMethod != null) {
                node.put("authMethod", authMethod.key());
            }
            Json.put(node, "username", username);
            Json.put(node, "provider", provider);
            Json.put(node, "account", account);
            if (oauthMechanism != null) {
                node.put("oauthMechanism", oauthMechanism.key());
            }
        }
    }

    /** {@code {"server","port","timeoutSeconds","senderName","senderAddress","security","authMethod","username",
     * "provider","account","oauthMechanism","passwordSet"}}. */
    static ObjectNode smtp(SmtpSettings settings) {
        Common common = Common.of(settings);
        ObjectNode node = Json.object();
        common.connection(node);
        node.put("timeoutSeconds", settings.timeoutSeconds);
        Json.put(node, "senderName", settings.senderName);
        Json.put(node, "senderAddress", settings.senderAddress);
        common.signIn(node);
        node.put("passwordSet", settings.passwordSet);
        return node;
    }

    /** {@code {"id","server","port","checkIntervalMinutes","timeoutSeconds","security","authMethod","username",
     * "provider","account","oauthMechanism","deleteAfterRetrieval","enabled","passwordSet"}}. */
    static ObjectNode pop(PopSettings settings) {
        Common common = Common.of(settings);
        ObjectNode node = Json.object();
        Json.put(node, "id", settings.id);
        common.connection(node);
        node.put("checkIntervalMinutes", settings.checkIntervalMinutes);
        node.put("timeoutSeconds", settings.timeoutSeconds);
        common.signIn(node);
        node.put("deleteAfterRetrieval", settings.deleteAfterRetrieval);
        node.put("enabled", settings.enabled);
        node.put("passwordSet", settings.passwordSet);
        return node;
    }

    /** The SMTP settings a PUT body asks for, laid over {@code current}. */
    static SmtpSettings mergeSmtp(SmtpSettings current, JsonNode body) throws ApiException {
        SmtpSettings merged = new SmtpSettings();
        Common.of(current).merge(body).into(merged);
        merged.senderName = textOr(body, "senderName", current.senderName);
        merged.senderAddress = textOr(body, "senderAddress", current.senderAddress);
        return merged;
    }

    /**
     * The POP settings a PUT body asks for, laid over {@code current} (a new {@link PopSettings} with its defaults
     * when the setting does not exist yet). The id is the one of the path; a body naming another is refused.
     */
    static PopSettings mergePop(String id, PopSettings current, JsonNode body) throws ApiException {
        String bodyId = Json.text(body, "id");
        if (bodyId != null && !bodyId.equals(id)) {
            throw ApiException.badRequest("id", "must be the id of the address (" + id + ")");
        }
        PopSettings merged = new PopSettings();
        Common.of(current).merge(body).into(merged);
        merged.id = id;
        merged.checkIntervalMinutes = Json.integer(body, "checkIntervalMinutes", current.checkIntervalMinutes);
        merged.deleteAfterRetrieval = Json.bool(body, "deleteAfterRetrieval", current.deleteAfterRetrieval);
        merged.enabled = Json.bool(body, "enabled", current.enabled);
        return merged;
    }

    private static String textOr(JsonNode body, String field, String current) throws ApiException {
        return body.has(field) ? Json.text(body, field) : current;
    }
}
