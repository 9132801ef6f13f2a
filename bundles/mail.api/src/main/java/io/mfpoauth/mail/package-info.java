/**
 * The mail services the firmware's jobs call: scan to e-mail and internet-fax send use {@link MailSender}; internet-fax
 * receive is a {@link PopMailbox} per POP setting that hands each message to the {@link MailReceiver}s. The settings
 * ({@link SmtpSettings}, {@link PopSettings}) are read and changed through {@link MailSettings}; every failure is a
 * {@link MailFailure} that says what the administrator must do.
 */
@Export
@Version("1.0.0")
package io.mfpoauth.mail;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
