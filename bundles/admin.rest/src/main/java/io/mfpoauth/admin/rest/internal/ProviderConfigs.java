package io.mfpoauth.admin.rest.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import com.fasterxml.jackson.databind.JsonNode;

import io.mfpoauth.token.Flow;

/**
 * The providers' settings in ConfigAdmin: generic providers (one factory configuration of
 * {@value #GENERIC_FACTORY_PID} each, found by its {@code provider.id}) and the bundled Microsoft and Google providers
 * (one configuration each). A body is laid over the stored properties, so properties the API does not name (explicit
 * endpoints, {@code flow}, IMAP scopes, written in a configuration file) are kept. A client secret goes into
 * {@code .clientSecret} (the leading dot keeps it out of service properties) and is never read back.
 */
final class ProviderConfigs {
    static final String GENERIC_FACTORY_PID = "io.mfpoauth.provider.oidc";
    /** The bundle whose providers are the generic ones. */
    static final String GENERIC_BUNDLE = "io.mfpoauth.provider.oidc";
    static final String MICROSOFT = "microsoft";
    static final String GOOGLE = "google";
    static final Pattern ID = Pattern.compile("[a-z0-9-]{1,32}");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9.-]{1,100}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}");
    /** A literal IPv4 loopback address ({@code 127.attacker.example} is a name anybody can register). */
    private static final Pattern LOOPBACK_IPV4 = Pattern.compile("^127(\\.\\d{1,3}){3}$");
    private static final String SECRET = ".clientSecret";
    /** Where ConfigAdmin binds a configuration: "?" lets whichever bundle registers the PID have it. */
    private static final String ANY_LOCATION = "?";

    /** A configured provider as the list shows it; {@code settings} null when it has no stored configuration. */
    record Listed(String id, String name, List<Flow> flows, List<String> hosts, Settings settings) {
    }

    /**
     * The stored settings the page shows back in its form, so that saving the form does not blank them: never the
     * client secret (it is write-only). A field not stored is null.
     */
    record Settings(String issuer, String clientId, String tenant, String authority, String smtpScopes,
            String pop3Scopes) {

        static Settings of(Dictionary<String, Object> properties) {
            return new Settings(string(properties, "issuer"), string(properties, "clientId"),
                    string(properties, "tenant"), string(properties, "authority"), string(properties, "smtpScopes"),
                    string(properties, "pop3Scopes"));
        }

        private static String string(Dictionary<String, Object> properties, String key) {
            return properties.get(key) instanceof String text ? text : null;
        }
    }

    /**
     * A bundled provider: its PID, the properties the API may change, its name and flow before it is installed.
     * {@code clientId} is the one field each needs: a blank one is refused rather than taken as "delete" (tenant and
     * authority fall back to their defaults when removed, so a blank one removes them).
     */
    private record Bundled(String pid, List<String> fields, String name, Flow flow) {
    }

    private static final Map<String, Bundled> BUNDLED = Map.of(
            MICROSOFT, new Bundled("io.mfpoauth.provider.microsoft", List.of("tenant", "clientId", "authority", "hosts"),
                    "Microsoft 365 / Exchange Online", Flow.DEVICE_CODE),
            GOOGLE, new Bundled("io.mfpoauth.provider.google", List.of("clientId", "clientSecret"),
                    "Google (Gmail, Workspace)", Flow.AUTHORIZATION_CODE));
    /** Fields without which a provider cannot work: a blank value is a mistake, not a wish to delete. */
    private static final List<String> REQUIRED = List.of("clientId");

    private final ConfigurationAdmin configurationAdmin;

    ProviderConfigs(ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    static boolean isBundled(String id) {
        return BUNDLED.containsKey(id);
    }

    /** The generic providers configured now, by id (whether or not their component runs). */
    Map<String, Listed> generic() throws IOException {
        Map<String, Listed> listed = new LinkedHashMap<>();
        for (Configuration configuration : list("(service.factoryPid=" + GENERIC_FACTORY_PID + ")")) {
            Dictionary<String, Object> properties = configuration.getProperties();
            Object id = properties == null ? null : properties.get("provider.id");
            if (id instanceof String text) {
                listed.put(text, genericListed(text, properties));
            }
        }
        return listed;
    }

    /**
     * Creates or changes the generic provider {@code id} from {@code {"type":"oidc","name","issuer","clientId",
     * "clientSecret","scopes":{"smtp","pop3"},"hosts"}}.
     */
    Listed putGeneric(String id, JsonNode body) throws ApiException, IOException {
        Configuration configuration = find(id);
        Dictionary<String, Object> properties = copy(configuration == null ? null : configuration.getProperties());
        properties.put("provider.id", id);
        setText(properties, body, "name", "name");
        // The issuer may be left out only by a provider whose endpoints its configuration file names.
        if (blank((String) properties.get("tokenEndpoint"))) {
            requireNotBlank(body, "issuer");
        }
        setText(properties, body, "issuer", "issuer");
        requireNotBlank(body, "clientId");
        setText(properties, body, "clientId", "clientId");
        setSecret(properties, body);
        JsonNode scopes = body.get("scopes");
        if (scopes != null && !scopes.isNull()) {
            if (!scopes.isObject()) {
                throw ApiException.badRequest("scopes", "must be an object with smtp and pop3");
            }
            setScopes(properties, scopes, "smtp", "smtpScopes");
            setScopes(properties, scopes, "pop3", "pop3Scopes");
        }
        setHosts(properties, body);
        String issuer = (String) properties.get("issuer");
        if (blank(issuer) && blank((String) properties.get("tokenEndpoint"))) {
            throw ApiException.badRequest("issuer", "is required");
        }
        if (!blank(issuer)) {
            checkAddress("issuer", issuer);
        }
        if (blank((String) properties.get("clientId"))) {
            throw ApiException.badRequest("clientId", "is required");
        }
        if (configuration == null) {
            // Named after the id (PID io.mfpoauth.provider.oidc~<id>), made only once the body was found good.
            configuration = configurationAdmin.getFactoryConfiguration(GENERIC_FACTORY_PID, id, ANY_LOCATION);
        }
        configuration.update(properties);
        return genericListed(id, properties);
    }

    /** Changes a bundled provider's own settings ({@code microsoft}: tenant, clientId, authority, hosts; {@code google}: clientId, clientSecret). */
    Listed putBundled(String id, JsonNode body) throws ApiException, IOException {
        Bundled bundled = BUNDLED.get(id);
        Configuration configuration = configurationAdmin.getConfiguration(bundled.pid, ANY_LOCATION);
        Dictionary<String, Object> properties = copy(configuration.getProperties());
        for (String field : bundled.fields) {
            switch (field) {
                case "clientSecret" -> setSecret(properties, body);
                case "hosts" -> setHosts(properties, body);
                default -> {
                    if (REQUIRED.contains(field)) {
                        requireNotBlank(body, field);
                    }
                    setText(properties, body, field, field);
                }
            }
        }
        String tenant = (String) properties.get("tenant");
        if (!blank(tenant) && !TENANT.matcher(tenant.trim()).matches()) {
            throw ApiException.badRequest("tenant", "must be a tenant id or domain, organizations, consumers or common");
        }
        String authority = (String) properties.get("authority");
        if (!blank(authority)) {
            checkAddress("authority", authority);
        }
        configuration.update(properties);
        Object hosts = properties.get("hosts");
        return new Listed(id, bundled.name, List.of(bundled.flow),
                hosts instanceof String[] list ? List.of(list) : null, Settings.of(properties));
    }

    /** The name and flow a bundled provider shows before its bundle is installed. */
    static Listed bundledDefaults(String id) {
        Bundled bundled = BUNDLED.get(id);
        return new Listed(id, bundled.name, List.of(bundled.flow), List.of(), null);
    }

    /** A bundled provider's stored settings; null when it has no configuration (none is made by asking). */
    Settings bundledSettings(String id) throws IOException {
        Bundled bundled = BUNDLED.get(id);
        if (bundled == null) {
            return null;
        }
        List<Configuration> found = list("(service.pid=" + bundled.pid + ")");
        Dictionary<String, Object> properties = found.isEmpty() ? null : found.get(0).getProperties();
        return properties == null ? null : Settings.of(properties);
    }

    /** Deletes the generic provider {@code id}; false when there is none. */
    boolean deleteGeneric(String id) throws IOException {
        Configuration configuration = find(id);
        if (configuration == null) {
            return false;
        }
        configuration.delete();
        return true;
    }

    private Configuration find(String id) throws IOException {
        List<Configuration> found = list("(&(service.factoryPid=" + GENERIC_FACTORY_PID + ")(provider.id=" + id + "))");
        return found.isEmpty() ? null : found.get(0);
    }

    private List<Configuration> list(String filter) throws IOException {
        try {
            Configuration[] configurations = configurationAdmin.listConfigurations(filter);
            return configurations == null ? List.of() : Arrays.asList(configurations);
        } catch (InvalidSyntaxException e) {
            // The filters are made here from checked ids: this cannot happen.
            throw new IllegalStateException(e);
        }
    }

    private static Listed genericListed(String id, Dictionary<String, Object> properties) {
        Object name = properties.get("name");
        Object hosts = properties.get("hosts");
        Flow flow = "authorization_code".equals(properties.get("flow")) ? Flow.AUTHORIZATION_CODE : Flow.DEVICE_CODE;
        return new Listed(id, name instanceof String text && !text.isBlank() ? text : id, List.of(flow),
                hosts instanceof String[] list ? List.of(list) : List.of(), Settings.of(properties));
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> stored) {
        Hashtable<String, Object> copy = new Hashtable<>();
        if (stored != null) {
            for (Enumeration<String> keys = stored.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                copy.put(key, stored.get(key));
            }
        }
        return copy;
    }

    /** Sets a text property from the body when the body has the field; null or blank removes it. */
    private static void setText(Dictionary<String, Object> properties, JsonNode body, String field, String property)
            throws ApiException {
        if (!body.has(field)) {
            return;
        }
        String value = Json.text(body, field);
        if (blank(value)) {
            properties.remove(property);
        } else {
            properties.put(property, value.trim());
        }
    }

    /**
     * 400 naming {@code field} when the body holds it as null or blank: a form that sends an empty box it never
     * filled in must not delete a setting the provider needs. Left out, the stored value is kept.
     */
    private static void requireNotBlank(JsonNode body, String field) throws ApiException {
        if (body.has(field) && blank(Json.text(body, field))) {
            throw ApiException.badRequest(field, "must not be empty; leave it out to keep the stored value");
        }
    }

    /** Write-only: a non-empty secret replaces the stored one; left out or null keeps it. */
    private static void setSecret(Dictionary<String, Object> properties, JsonNode body) throws ApiException {
        String secret = Json.text(body, "clientSecret");
        if (secret != null && !secret.isEmpty()) {
            properties.put(SECRET, secret);
        }
    }

    /** Scopes as one space-separated string or a list of strings. */
    private static void setScopes(Dictionary<String, Object> properties, JsonNode scopes, String field,
            String property) throws ApiException {
        JsonNode value = scopes.get(field);
        if (value == null) {
            return;
        }
        String path = "scopes." + field;
        String joined;
        if (value.isNull() || value.isTextual()) {
            joined = value.isNull() ? "" : value.asText().trim();
        } else if (value.isArray()) {
            List<String> list = new ArrayList<>();
            for (JsonNode scope : value) {
                if (!scope.isTextual()) {
                    throw ApiException.badRequest(path, "must be a string or a list of strings");
                }
                list.add(scope.asText().trim());
            }
            joined = String.join(" ", list);
        } else {
            throw ApiException.badRequest(path, "must be a string or a list of strings");
        }
        properties.put(property, joined);
    }

    private static void setHosts(Dictionary<String, Object> properties, JsonNode body) throws ApiException {
        List<String> hosts = Json.strings(body, "hosts");
        if (hosts == null) {
            return;
        }
        List<String> clean = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i).trim().toLowerCase(Locale.ROOT);
            if (!HOST.matcher(host).matches()) {
                throw ApiException.badRequest("hosts[" + i + "]", "must be a host name or domain");
            }
            clean.add(host);
        }
        properties.put("hosts", clean.toArray(String[]::new));
    }

    /** An authorization server's address: https, or http to this machine only (local test servers). */
    static void checkAddress(String field, String address) throws ApiException {
        try {
            URI uri = new URI(address.trim());
            String host = uri.getHost();
            boolean loopback = host != null && ("localhost".equalsIgnoreCase(host)
                    || LOOPBACK_IPV4.matcher(host).matches() || host.equals("[::1]") || host.equals("::1"));
            if (host == null || !("https".equalsIgnoreCase(uri.getScheme())
                    || ("http".equalsIgnoreCase(uri.getScheme()) && loopback))) {
                throw ApiException.badRequest(field, "must be an https address");
            }
        } catch (URISyntaxException e) {
            throw ApiException.badRequest(field, "must be an https address");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
