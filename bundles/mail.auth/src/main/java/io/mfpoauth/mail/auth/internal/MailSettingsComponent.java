package io.mfpoauth.mail.auth.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.mfpoauth.mail.MailSettings;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.SmtpSettings;
import io.mfpoauth.mail.auth.MailSecrets;
import io.mfpoauth.mail.auth.SettingsCodec;

/**
 * The settings service on ConfigAdmin: the SMTP and POP components see every change as a configuration update. A
 * configuration that no longer parses (hand-edited) shows as defaults here, and its component reports it.
 */
@Component(service = MailSettings.class)
public class MailSettingsComponent implements MailSettings {

    private final ConfigurationAdmin configs;
    private final MailSecrets secrets;
    private final Logger logger;

    @Activate
    public MailSettingsComponent(@Reference ConfigurationAdmin configs, @Reference MailSecrets secrets,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this.configs = configs;
        this.secrets = secrets;
        this.logger = logger;
    }

    @Override
    public SmtpSettings smtp() {
        return withoutPassword(readSmtp());
    }

    @Override
    public synchronized SmtpSettings updateSmtp(SmtpSettings settings) throws SettingsException {
        SmtpSettings next = copy(settings);
        SmtpSettings current = readSmtp();
        next.password = next.password == null ? current.password : secrets.seal(next.password);
        next.passwordSet = next.password != null;
        SettingsCodec.check(next);
        try {
            Configuration config = configs.getConfiguration(SmtpSettings.PID, "?");
            config.updateIfDifferent(dictionary(SettingsCodec.properties(next)));
        } catch (IOException e) {
            throw new UncheckedIOException("The SMTP settings could not be stored", e);
        }
        logger.info("SMTP settings changed: {}", next);
        return withoutPassword(next);
    }

    @Override
    public List<PopSettings> pops() {
        List<PopSettings> all = new ArrayList<>();
        for (Configuration config : popConfigurations(null)) {
            PopSettings pop = parsePop(config);
            if (pop != null) {
                all.add(withoutPassword(pop));
            }
        }
        all.sort(Comparator.comparing(p -> p.id));
        return all;
    }

    @Override
    public PopSettings pop(String id) {
        Configuration config = popConfiguration(id);
        PopSettings pop = config == null ? null : parsePop(config);
        return pop == null ? null : withoutPassword(pop);
    }

    @Override
    public synchronized PopSettings updatePop(PopSettings settings) throws SettingsException {
        PopSettings next = copy(settings);
        Configuration existing = next.id == null ? null : popConfiguration(next.id);
        PopSettings current = existing == null ? null : parsePop(existing);
        if (next.password == null) {
            next.password = current == null ? null : current.password;
        } else {
            next.password = secrets.seal(next.password);
        }
        next.passwordSet = next.password != null;
        SettingsCodec.check(next);
        try {
            Configuration config = existing != null ? existing
                    : configs.createFactoryConfiguration(PopSettings.FACTORY_PID, "?");
            config.updateIfDifferent(dictionary(SettingsCodec.properties(next)));
        } catch (IOException e) {
            throw new UncheckedIOException("The POP settings could not be stored", e);
        }
        logger.info("POP settings changed: {}", next);
        return withoutPassword(next);
    }

    @Override
    public synchronized boolean deletePop(String id) {
        Configuration config = popConfiguration(id);
        if (config == null) {
            return false;
        }
        try {
            config.delete();
        } catch (IOException e) {
            throw new UncheckedIOException("The POP setting " + id + " could not be deleted", e);
        }
        logger.info("POP setting {} deleted", id);
        return true;
    }

    @Override
    public void check(SmtpSettings settings) throws SettingsException {
        SmtpSettings candidate = copy(settings);
        candidate.passwordSet = readSmtp().password != null;
        SettingsCodec.check(candidate);
    }

    @Override
    public void check(PopSettings settings) throws SettingsException {
        PopSettings candidate = copy(settings);
        PopSettings current = candidate.id == null ? null : pop(candidate.id);
        candidate.passwordSet = current != null && current.passwordSet;
        SettingsCodec.check(candidate);
    }

    private SmtpSettings readSmtp() {
        try {
            Configuration[] found = configs.listConfigurations(
                    "(" + Constants.SERVICE_PID + "=" + SmtpSettings.PID + ")");
            if (found != null && found.length > 0 && found[0].getProperties() != null) {
                return SettingsCodec.smtp(map(found[0].getProperties()));
            }
        } catch (IOException | InvalidSyntaxException e) {
            logger.warn("The SMTP settings cannot be read: {}", e.getMessage());
        } catch (SettingsException e) {
            logger.warn("The stored SMTP settings are not valid ({}); showing the defaults", e.getMessage());
        }
        return new SmtpSettings();
    }

    private PopSettings parsePop(Configuration config) {
        try {
            return SettingsCodec.pop(map(config.getProperties()));
        } catch (SettingsException e) {
            logger.warn("The stored POP setting {} is not valid: {}", config.getPid(), e.getMessage());
            return null;
        }
    }

    private Configuration popConfiguration(String id) {
        if (id == null || !id.matches("[a-z0-9-]{1,32}")) {
            return null;
        }
        List<Configuration> found = popConfigurations("(" + PopSettings.ID_PROPERTY + "=" + id + ")");
        return found.isEmpty() ? null : found.get(0);
    }

    private List<Configuration> popConfigurations(String extra) {
        String filter = "(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + PopSettings.FACTORY_PID + ")";
        if (extra != null) {
            filter = "(&" + filter + extra + ")";
        }
        try {
            Configuration[] found = configs.listConfigurations(filter);
            return found == null ? List.of() : List.of(found);
        } catch (IOException | InvalidSyntaxException e) {
            logger.warn("The POP settings cannot be read: {}", e.getMessage());
            return List.of();
        }
    }

    private static Map<String, Object> map(Dictionary<String, Object> props) {
        Map<String, Object> map = new HashMap<>();
        for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            map.put(key, props.get(key));
        }
        return map;
    }

    private static Dictionary<String, Object> dictionary(Map<String, Object> props) {
        return new Hashtable<>(props);
    }

    private static SmtpSettings copy(SmtpSettings s) throws SettingsException {
        Map<String, Object> props = SettingsCodec.properties(s);
        return SettingsCodec.smtp(props);
    }

    private static PopSettings copy(PopSettings s) throws SettingsException {
        Map<String, Object> props = SettingsCodec.properties(s);
        return SettingsCodec.pop(props);
    }

    private static SmtpSettings withoutPassword(SmtpSettings s) {
        s.passwordSet = s.password != null;
        s.password = null;
        return s;
    }

    private static PopSettings withoutPassword(PopSettings s) {
        s.passwordSet = s.password != null;
        s.password = null;
        return s;
    }
}
