package io.mfpoauth.mail;

import org.osgi.dto.DTO;

/** The result of a connection test: connected, secured and signed in as the setting says, or the mapped failure. */
public class TestResult extends DTO {
    public boolean ok;
    /** {@code ok}, or a {@link MailFailure#code()}. */
    public String code;
    /** What happened and what to do. */
    public String message;
    /** The server's reply behind a failure, or null. */
    public String serverReply;

    public static TestResult success(String message) {
        TestResult result = new TestResult();
        result.ok = true;
        result.code = "ok";
        result.message = message;
        return result;
    }

    public static TestResult failed(MailFailure failure, String message, String serverReply) {
        TestResult result = new TestResult();
        result.ok = false;
        result.code = failure.code();
        result.message = message;
        result.serverReply = serverReply;
        return result;
    }
}
