package io.mfpoauth.itest.web;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.mfpoauth.itest.keycloak.DeviceApproval;
import io.mfpoauth.itest.keycloak.Keycloak;
import io.mfpoauth.itest.mail.MailServer;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The manual's procedure at the web page, in a real headless Chromium, on the exported firmware jar against the
 * real Keycloak and mail servers: log in, configure SMTP with OAuth 2.0 and the Keycloak-backed provider, Get
 * Token and confirm, see the code, approve as the user at the verification page, see Retrieved arrive live, send
 * a test mail, delete with confirmation, see Not retrieved. A screenshot of each step is kept in
 * {@code itest/target/screenshots/WebPageIT/}.
 */
public class WebPageIT {
    private static final String PASSWORD = "web-" + UUID.randomUUID();
    private static final Duration LIVE = Duration.ofSeconds(30);

    private Keycloak keycloak;
    private MailServer mail;
    private FirmwareProcess firmware;
    private Browser browser;

    @Before
    public void setUp() throws Exception {
        Assume.assumeFalse("Keycloak skipped", Keycloak.skipped());
        Assume.assumeFalse("mail servers skipped", MailServer.skipped());
        Assume.assumeFalse("browser skipped", Browser.skipped());
        keycloak = Keycloak.fromSystemProperty();
        mail = MailServer.fromSystemProperty();
        firmware = FirmwareProcess.start("webpage", PASSWORD, FirmwareProcess.testStack(keycloak, mail));
        // The configuration folder is read while the firmware starts: the page lists the provider once it is up.
        AdminApi api = new AdminApi(firmware.base(), "admin", PASSWORD);
        long deadline = System.currentTimeMillis() + 30_000;
        while (api.get("/api/v1/providers").array().stream().noneMatch(p -> "keycloak".equals(((Map<?, ?>) p).get("id")))) {
            assertTrue("the provider came up", System.currentTimeMillis() < deadline);
            Thread.sleep(250);
        }
        browser = new Browser("WebPageIT", "en");
    }

    @After
    public void tearDown() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (firmware != null) {
            firmware.close();
        }
    }

    @Test
    public void theManualsProcedureAtTheWebPage() throws Exception {
        String scanner = keycloak.users().get(0);
        String fax = keycloak.users().get(1);

        browser.open(firmware.base() + "/");
        browser.screenshot("login");
        browser.type(By.id("login-password"), "wrong password");
        browser.click(By.id("login-submit"));
        browser.visible(By.id("login-error"));
        browser.type(By.id("login-password"), PASSWORD);
        browser.click(By.id("login-submit"));
        browser.visible(By.id("app"));
        browser.visible(By.cssSelector("#events-status[data-state='open']"));
        browser.screenshot("logged-in");

        // SMTP settings: the manual's fields, OAuth 2.0, the provider and the account.
        browser.click(By.id("nav-smtp"));
        browser.type(By.id("smtp-server"), mail.host());
        browser.type(By.id("smtp-port"), Integer.toString(mail.smtpPort()));
        browser.type(By.id("smtp-senderName"), "MFP 3rd floor");
        browser.type(By.id("smtp-senderAddress"), scanner);
        new Select(browser.visible(By.id("smtp-security"))).selectByValue("starttls");
        new Select(browser.visible(By.id("smtp-authMethod"))).selectByValue("oauth2");
        new Select(browser.visible(By.id("smtp-provider"))).selectByValue("keycloak");
        browser.type(By.id("smtp-account"), scanner);
        browser.click(By.id("smtp-save"));
        browser.visible(By.cssSelector("#smtp-save-result[data-outcome='ok']"));
        browser.screenshot("smtp-settings-saved");

        // Get Token, confirmed; the code and the address are shown.
        browser.click(By.id("token-smtp-get"));
        browser.visible(By.id("confirm-dialog"));
        browser.screenshot("get-token-confirm");
        browser.click(By.id("confirm-ok"));
        browser.visible(By.cssSelector("#token-smtp[data-state='AWAITING_AUTHORIZATION']"));
        String userCode = browser.visible(By.id("token-smtp-usercode")).getText().trim();
        String verificationUri = browser.visible(By.id("token-smtp-verification-uri")).getText().trim();
        assertFalse("the user code is shown", userCode.isEmpty());
        browser.visible(By.id("token-smtp-qr"));
        browser.scrollTo(By.id("token-smtp"));
        browser.screenshot("user-code");

        // The administrator signs in as the mailbox's user at the verification address (on another device).
        DeviceApproval.approve(verificationUri, userCode, scanner, keycloak.password());

        // Retrieved arrives live, without reloading the page.
        browser.visible(By.cssSelector("#token-smtp[data-state='RETRIEVED']"));
        browser.awaitText(By.id("token-smtp-state"), "Retrieved", LIVE);
        browser.scrollTo(By.id("token-smtp"));
        browser.screenshot("retrieved");

        browser.type(By.id("mail-to"), fax);
        browser.type(By.id("mail-subject"), "Test from the web page " + UUID.randomUUID());
        browser.type(By.id("mail-text"), "Sent with the SMTP token.");
        browser.click(By.id("mail-send"));
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), LIVE).until(d -> {
            String outcome = d.findElement(By.id("mail-result")).getAttribute("data-outcome");
            return "ok".equals(outcome) || "error".equals(outcome);
        });
        browser.scrollTo(By.id("mail-result"));
        browser.screenshot("test-mail-sent");
        assertEquals(browser.driver().findElement(By.id("mail-result")).getText(), "ok",
                browser.driver().findElement(By.id("mail-result")).getAttribute("data-outcome"));

        // Delete, confirmed: Not retrieved.
        browser.click(By.id("token-smtp-delete"));
        browser.visible(By.id("confirm-dialog"));
        browser.screenshot("delete-confirm");
        browser.click(By.id("confirm-ok"));
        browser.visible(By.cssSelector("#token-smtp[data-state='NOT_RETRIEVED']"));
        browser.awaitText(By.id("token-smtp-state"), "Not retrieved", LIVE);
        browser.scrollTo(By.id("token-smtp"));
        browser.screenshot("not-retrieved");

        // The manual's own words when the page is in Italian.
        browser.click(By.id("lang-it"));
        browser.awaitText(By.id("token-smtp-state"), "Non recuperato", LIVE);
        browser.scrollTo(By.id("token-smtp"));
        browser.screenshot("non-recuperato");
        assertTrue(browser.driver().getPageSource().contains("Recupera"));
    }
}
