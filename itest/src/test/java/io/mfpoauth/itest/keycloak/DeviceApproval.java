package io.mfpoauth.itest.keycloak;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Completes a device's verification on Keycloak's pages as its user would in a browser, with plain HTTP and a cookie
 * jar ({@link LoopbackCookieJar}: Keycloak's cookies are {@code Secure} even on http://127.0.0.1): open the
 * verification address (entering the user code when only the plain address is given), sign in, answer the consent
 * page with "Yes" or "No". The device's polling then gets its tokens, or {@code access_denied}.
 *
 * <p>Each call is a new browser (no cookies kept), so it always signs in. Keycloak 26.7 shows the consent page on every
 * device approval, even when the user consented before; should it ever skip it, {@link #deny} throws instead of
 * approving silently (the device is then approved all the same). A step that does not land where expected throws
 * {@link IllegalStateException} naming the page's title, its heading and Keycloak's message.
 */
public final class DeviceApproval {
    /** Heading of Keycloak's page after a successful approval. */
    public static final String SUCCESS_HEADING = "Device Login Successful";

    private static final Pattern TITLE = Pattern.compile("<title>\\s*(.*?)\\s*</title>", Pattern.DOTALL);
    private static final Pattern HEADING = Pattern.compile(
            "id=\"kc-page-title\"[^>]*>(.*?)</h1>", Pattern.DOTALL);
    private static final Pattern MESSAGE = Pattern.compile(
            "class=\"[^\"]*(?:kc-feedback-text|pf-v5-c-alert__title|instruction)[^\"]*\"[^>]*>(.*?)</", Pattern.DOTALL);
    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>", Pattern.DOTALL);
    private static final Pattern ATTR = Pattern.compile("\\b([a-zA-Z_-]+)=\"([^\"]*)\"");
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.DOTALL);

    private final HttpClient http;
    private final String user;
    private final String password;
    private final boolean accept;

    private DeviceApproval(String user, String password, boolean accept) {
        this.user = user;
        this.password = password;
        this.accept = accept;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .cookieHandler(new LoopbackCookieJar())
                .build();
    }

    /**
     * Approves a device: opens {@code verification_uri_complete}, signs in as {@code user} and grants consent if asked.
     *
     * @return the final page's heading ({@value #SUCCESS_HEADING})
     */
    public static String approve(String verificationUriComplete, String user, String password) {
        return new DeviceApproval(user, password, true).run(URI.create(verificationUriComplete), null);
    }

    /** Approves a device by entering {@code userCode} at the plain {@code verification_uri}, as its user would. */
    public static String approve(String verificationUri, String userCode, String user, String password) {
        return new DeviceApproval(user, password, true).run(URI.create(verificationUri), userCode);
    }

    /**
     * Denies a device: signs in and answers "No" on the consent page. The device's polling then ends with
     * {@code access_denied}.
     *
     * @return the final page's heading
     * @throws IllegalStateException if no consent was asked (the device is then approved)
     */
    public static String deny(String verificationUriComplete, String user, String password) {
        return new DeviceApproval(user, password, false).run(URI.create(verificationUriComplete), null);
    }

    /** Denies a device by entering {@code userCode} at the plain {@code verification_uri}. */
    public static String deny(String verificationUri, String userCode, String user, String password) {
        return new DeviceApproval(user, password, false).run(URI.create(verificationUri), userCode);
    }

    private static final class Page {
        final URI uri;
        final int status;
        final String html;

        Page(URI uri, int status, String html) {
            this.uri = uri;
            this.status = status;
            this.html = html;
        }

        String title() {
            return text(TITLE, html);
        }

        String heading() {
            return text(HEADING, html);
        }

        String message() {
            return text(MESSAGE, html);
        }

        /** The first form whose opening tag or content contains {@code marker}, as [attributes, content]. */
        String[] form(String marker) {
            Matcher m = FORM.matcher(html);
            while (m.find()) {
                if (m.group(1).contains(marker) || m.group(2).contains(marker)) {
                    return new String[] {m.group(1), m.group(2)};
                }
            }
            return null;
        }

        String describe() {
            return "page \"" + title() + "\" (heading \"" + heading() + "\""
                    + (message().isEmpty() ? "" : ", message \"" + message() + "\"") + ", HTTP " + status + ", " + uri
                    + ")";
        }
    }

    private String run(URI start, String userCode) {
        Page page = get(start);
        boolean codeEntered = false;
        boolean signedIn = false;
        boolean consentAnswered = false;
        for (int step = 0; step < 8; step++) {
            String[] codeForm = page.form("name=\"device_user_code\"");
            String[] loginForm = page.form("id=\"kc-form-login\"");
            String[] consentForm = page.form("login-actions/consent");
            if (codeForm != null) {
                if (userCode == null || codeEntered) {
                    throw fail("the user code was " + (codeEntered ? "refused" : "asked for"), page);
                }
                codeEntered = true;
                page = post(page, codeForm, form("device_user_code", userCode));
            } else if (loginForm != null) {
                if (signedIn) {
                    throw fail("signing in as " + user + " failed", page);
                }
                signedIn = true;
                page = post(page, loginForm, form("username", user, "password", password, "credentialId", ""));
            } else if (consentForm != null) {
                if (consentAnswered) {
                    throw fail("the consent page came back", page);
                }
                consentAnswered = true;
                Map<String, String> fields = hiddenInputs(consentForm[1]);
                fields.put(accept ? "accept" : "cancel", "");
                page = post(page, consentForm, fields);
            } else if (page.heading().contains(SUCCESS_HEADING)) {
                if (!accept) {
                    throw fail("denying was impossible: no consent was asked and the device was approved", page);
                }
                return page.heading();
            } else if (!accept && consentAnswered) {
                return page.heading().isEmpty() ? page.title() : page.heading();
            } else {
                throw fail("unexpected page", page);
            }
        }
        throw fail("too many steps", page);
    }

    private IllegalStateException fail(String what, Page page) {
        return new IllegalStateException("Device " + (accept ? "approval" : "denial") + " as " + user + ": " + what
                + " at " + page.describe());
    }

    private Page get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    private Page post(Page from, String[] form, Map<String, String> fields) {
        String action = attribute(form[0], "action");
        if (action == null) {
            throw fail("a form without action", from);
        }
        URI target = from.uri.resolve(unescape(action));
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return send(HttpRequest.newBuilder(target)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private Page send(HttpRequest.Builder b) {
        HttpRequest request = b.timeout(Duration.ofSeconds(30)).header("Accept", "text/html").build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Page(r.uri(), r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException("Device " + (accept ? "approval" : "denial") + ": " + request.method() + " "
                    + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Map<String, String> hiddenInputs(String formContent) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = INPUT.matcher(formContent);
        while (m.find()) {
            if ("hidden".equals(attribute(m.group(1), "type")) && attribute(m.group(1), "name") != null) {
                String value = attribute(m.group(1), "value");
                fields.put(attribute(m.group(1), "name"), value == null ? "" : unescape(value));
            }
        }
        return fields;
    }

    private static String attribute(String tagAttributes, String name) {
        Matcher m = ATTR.matcher(tagAttributes);
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase(name)) {
                return m.group(2);
            }
        }
        return null;
    }

    private static Map<String, String> form(String... nameValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int k = 0; k + 1 < nameValues.length; k += 2) {
            m.put(nameValues[k], nameValues[k + 1]);
        }
        return m;
    }

    private static String text(Pattern p, String html) {
        Matcher m = p.matcher(html);
        return m.find() ? unescape(m.group(1).replaceAll("(?s)<!--.*?-->|<[^>]*>", " ")).replaceAll("\\s+", " ").trim()
                : "";
    }

    /** Undoes HTML escaping of attribute values and text ({@code &amp;} and friends, numeric references). */
    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        int k = 0;
        while (k < s.length()) {
            char c = s.charAt(k);
            int semi = c == '&' ? s.indexOf(';', k) : -1;
            if (semi > k && semi - k <= 10) {
                String ent = s.substring(k + 1, semi);
                String rep = null;
                switch (ent) {
                    case "amp": rep = "&"; break;
                    case "lt": rep = "<"; break;
                    case "gt": rep = ">"; break;
                    case "quot": rep = "\""; break;
                    case "apos": rep = "'"; break;
                    case "nbsp": rep = " "; break;
                    default:
                        try {
                            if (ent.startsWith("#x") || ent.startsWith("#X")) {
                                rep = new String(Character.toChars(Integer.parseInt(ent.substring(2), 16)));
                            } else if (ent.startsWith("#")) {
                                rep = new String(Character.toChars(Integer.parseInt(ent.substring(1))));
                            }
                        } catch (IllegalArgumentException ignored) {
                            rep = null;
                        }
                }
                if (rep != null) {
                    b.append(rep);
                    k = semi + 1;
                    continue;
                }
            }
            b.append(c);
            k++;
        }
        return b.toString();
    }
}
