package io.mfpoauth.admin.rest.internal;

import java.io.IOException;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailSender;
import io.mfpoauth.mail.SentMail;

/** Sends a message through the SMTP settings ({@code POST /mail}). */
final class MailApi {
    private final Backends backends;

    MailApi(Backends backends) {
        this.backends = backends;
    }

    void routes(Router<Handler> router) {
        router.add("POST", "/mail", this::send);
    }

    /**
     * → {@code {"messageId"}}. A refused send is 502 {@code {"error":<mail failure code>,"message","serverReply"}}
     * whatever the failure, transient ones included ({@code server_busy}, {@code timeout}...): the contract names 502
     * for every mail failure, and the code tells a client whether trying later may help ({@code MailFailure}'s list
     * in the README). 503 is kept for "the mail service is not installed".
     */
    private Reply send(Call call) throws ApiException, IOException {
        MailSender sender = backends.mailSender();
        Bodies.requireType(call.request().getContentType(), Bodies.JSON);
        long declared = call.request().getContentLengthLong();
        Bodies.checkDeclared(declared, Bodies.MAIL_LIMIT);
        try (MailBody body = MailBody.read(Bodies.limited(call.request().getInputStream(), Bodies.MAIL_LIMIT),
                backends.temporaryFolder())) {
            SentMail sent = sender.send(body.mail());
            ObjectNode node = Json.object();
            Json.put(node, "messageId", sent.messageId);
            return Reply.ok(node);
        } catch (Bodies.TooLarge e) {
            throw e.answer();
        } catch (MailException e) {
            ApiException failure = ApiException.of(502, e.failure().code(), e.getMessage());
            Json.put(failure.body(), "serverReply", e.serverReply());
            throw failure;
        }
    }
}
