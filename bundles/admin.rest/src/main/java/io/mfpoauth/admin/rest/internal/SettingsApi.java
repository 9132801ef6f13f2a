package io.mfpoauth.admin.rest.internal;

import java.io.IOException;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.mfpoauth.mail.MailSettings;
import io.mfpoauth.mail.PopMailbox;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.token.Slot;

/** The SMTP and POP settings, their connection tests, and the POP mailboxes (kept messages, check now). */
final class SettingsApi {
    private final Backends backends;

    SettingsApi(Backends backends) {
        this.backends = backends;
    }

    void routes(Router<Handler> router) {
        router.add("GET", "/settings/smtp", call -> Reply.ok(SettingsJson.smtp(backends.mailSettings().smtp())))
                .add("PUT", "/settings/smtp", this::putSmtp)
                .add("POST", "/settings/smtp/test", call -> Reply.ok(Views.testResult(backends.mailSender().test())))
                .add("GET", "/settings/pop", call -> {
                    ArrayNode array = Json.array();
                    backends.mailSettings().pops().forEach(p -> array.add(SettingsJson.pop(p)));
                    return Reply.ok(array);
                })
                .add("GET", "/settings/pop/{id}", call -> Reply.ok(SettingsJson.pop(existingPop(call))))
                .add("PUT", "/settings/pop/{id}", this::putPop)
                .add("DELETE", "/settings/pop/{id}", call -> {
                    existingPop(call);
                    backends.mailSettings().deletePop(call.parameter("id"));
                    return Reply.noContent();
                })
                .add("POST", "/settings/pop/{id}/test", call -> Reply.ok(Views.testResult(mailbox(call).test())))
                .add("GET", "/pop/{id}/messages", call -> {
                    existingPop(call);
                    ArrayNode array = Json.array();
                    backends.mailArchive().messages(call.parameter("id")).forEach(m -> array.add(Views.storedMessage(m)));
                    return Reply.ok(array);
                })
                .add("POST", "/pop/{id}/poll", call -> Reply.ok(Views.pollResult(mailbox(call).poll())));
    }

    private Reply putSmtp(Call call) throws ApiException, IOException {
        MailSettings settings = backends.mailSettings();
        try {
            return Reply.ok(SettingsJson.smtp(settings.updateSmtp(SettingsJson.mergeSmtp(settings.smtp(), call.json()))));
        } catch (SettingsException e) {
            throw refused(e);
        }
    }

    /** Creates or replaces a POP setting → 200 with the setting as stored. */
    private Reply putPop(Call call) throws ApiException, IOException {
        MailSettings settings = backends.mailSettings();
        String id = call.parameter("id");
        if (!validId(id)) {
            throw ApiException.badRequest("id", "must be 1 to 32 of a-z, 0-9 and '-'");
        }
        PopSettings current = settings.pop(id);
        try {
            return Reply.ok(SettingsJson.pop(settings.updatePop(
                    SettingsJson.mergePop(id, current == null ? new PopSettings() : current, call.json()))));
        } catch (SettingsException e) {
            throw refused(e);
        }
    }

    /** The POP setting of the path; 404 when there is none. */
    private PopSettings existingPop(Call call) throws ApiException {
        String id = call.parameter("id");
        PopSettings pop = validId(id) ? backends.mailSettings().pop(id) : null;
        if (pop == null) {
            throw ApiException.notFound();
        }
        return pop;
    }

    /** The mailbox of the path's POP setting: 404 without the setting, 503 while its mailbox is not running. */
    private PopMailbox mailbox(Call call) throws ApiException {
        PopSettings pop = existingPop(call);
        PopMailbox mailbox = backends.mailbox(pop.id);
        if (mailbox == null) {
            throw ApiException.unavailable("The mailbox of POP setting " + pop.id + " is not running");
        }
        return mailbox;
    }

    /** Whether {@code id} is a well-formed POP setting id ({@code [a-z0-9-]{1,32}}, as its token slot needs). */
    static boolean validId(String id) {
        return Slot.isValid("pop-" + id);
    }

    /** 400 naming the field the settings service refused. */
    static ApiException refused(SettingsException e) {
        return ApiException.badRequest(e.field(), e.reason());
    }
}
