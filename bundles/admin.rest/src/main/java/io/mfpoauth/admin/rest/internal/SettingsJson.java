package io.mfpoauth.admin.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.OAuthMechanism;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.Security;
import io.mfpoauth.mail.ServerSettings;
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

    /** {@code {"server","port","timeoutSeconds","senderName","senderAddress","security","authMethod","username",
     * "provider","account","oauthMechanism","passwordSet"}}. */
    static ObjectNode smtp(SmtpSettings settings) {
        ObjectNode node = Json.object();
        Json.put(node, "server", settings.server);
        node.put("port", settings.port);
        node.put("timeoutSeconds", settings.timeoutSeconds);
        Json.put(node, "senderName", settings.senderName);
        Json.put(node, "senderAddress", settings.senderAddress);
        signIn(node, settings);
        node.put("passwordSet", settings.passwordSet);
        return node;
    }

    /** {@code {"id","server","port","checkIntervalMinutes","timeoutSeconds","security","authMethod","username",
     * "provider","account","oauthMechanism","deleteAfterRetrieval","enabled","passwordSet"}}. */
    static ObjectNode pop(PopSettings settings) {
        ObjectNode node = Json.object();
        Json.put(node, "id", settings.id);
        Json.put(node, "server", settings.server);
        node.put("port", settings.port);
        node.put("checkIntervalMinutes", settings.checkIntervalMinutes);
        node.put("timeoutSeconds", settings.timeoutSeconds);
        signIn(node, settings);
        node.put("deleteAfterRetrieval", settings.deleteAfterRetrieval);
        node.put("enabled", settings.enabled);
        node.put("passwordSet", settings.passwordSet);
        return node;
    }

    /** The SMTP settings a PUT body asks for, laid over {@code current}. */
    static SmtpSettings mergeSmtp(SmtpSettings current, JsonNode body) throws ApiException {
        SmtpSettings merged = mergeServer(current, body, new SmtpSettings());
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
        PopSettings merged = mergeServer(current, body, new PopSettings());
        merged.id = id;
        merged.checkIntervalMinutes = Json.integer(body, "checkIntervalMinutes", current.checkIntervalMinutes);
        merged.deleteAfterRetrieval = Json.bool(body, "deleteAfterRetrieval", current.deleteAfterRetrieval);
        merged.enabled = Json.bool(body, "enabled", current.enabled);
        return merged;
    }

    /** Writes the sign-in fields, in the order the contract lists them; never the password. */
    private static void signIn(ObjectNode node, ServerSettings s) {
        if (s.security != null) {
            node.put("security", s.security.key());
        }
        if (s.authMethod != null) {
            node.put("authMethod", s.authMethod.key());
        }
        Json.put(node, "username", s.username);
        Json.put(node, "provider", s.provider);
        Json.put(node, "account", s.account);
        if (s.oauthMechanism != null) {
            node.put("oauthMechanism", s.oauthMechanism.key());
        }
    }

    /**
     * The fields both kinds of setting have, from {@code body} where it names them, else from {@code current};
     * the password only from the body (null keeps the stored one).
     */
    private static <S extends ServerSettings> S mergeServer(ServerSettings current, JsonNode body, S merged)
            throws ApiException {
        merged.server = textOr(body, "server", current.server);
        merged.port = Json.integer(body, "port", current.port);
        merged.timeoutSeconds = Json.integer(body, "timeoutSeconds", current.timeoutSeconds);
        merged.security = Json.key(body, "security", Security::parse, current.security);
        merged.authMethod = Json.key(body, "authMethod", AuthMethod::parse, current.authMethod);
        merged.username = textOr(body, "username", current.username);
        merged.password = Json.text(body, "password");
        merged.provider = textOr(body, "provider", current.provider);
        merged.account = textOr(body, "account", current.account);
        merged.oauthMechanism = Json.key(body, "oauthMechanism", OAuthMechanism::parse, current.oauthMechanism);
        merged.passwordSet = current.passwordSet;
        return merged;
    }

    private static String textOr(JsonNode body, String field, String current) throws ApiException {
        return body.has(field) ? Json.text(body, field) : current;
    }
}
