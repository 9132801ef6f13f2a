package io.mfpoauth.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/** The firmware image starts in Felix: every bundle active, our components satisfied, the token service there. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FirmwareIT {

    /** How long the framework may take to settle after the start level is reached. */
    private static final long SETTLE_MILLIS = 15_000;

    /** By name, so this test does not depend on the API's classes while the API takes shape. */
    private static final String TOKEN_SERVICE = "io.mfpoauth.token.TokenService";

    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] configuration() {
        return options(FirmwareSupport.firmware(FirmwareIT.class));
    }

    @Test
    public void everyExportedBundleIsInstalledAtItsStartLevel() {
        Map<String, Bundle> installed = new HashMap<>();
        for (Bundle b : context.getBundles()) {
            installed.put(b.getSymbolicName(), b);
        }
        FirmwareSupport.Export export = FirmwareSupport.Export.read();
        Set<String> wrong = new TreeSet<>();
        for (FirmwareSupport.ExportedBundle exported : export.bundles()) {
            Bundle b = installed.get(exported.symbolicName());
            if (b == null) {
                wrong.add(exported.symbolicName() + " is not installed");
            } else if (b.adapt(BundleStartLevel.class).getStartLevel() != exported.startLevel()) {
                wrong.add(exported.symbolicName() + " has start level "
                    + b.adapt(BundleStartLevel.class).getStartLevel() + ", not " + exported.startLevel());
            }
        }
        assertTrue("Exported bundles: " + wrong, wrong.isEmpty());
        assertEquals("framework start level", export.beginningStartLevel(),
            context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel());
    }

    @Test
    public void everyBundleIsActive() {
        List<String> notActive = awaitEmpty(() -> {
            List<String> problems = new ArrayList<>();
            for (Bundle b : context.getBundles()) {
                if (!isFragment(b) && b.getState() != Bundle.ACTIVE) {
                    problems.add(b.getSymbolicName() + " " + b.getVersion() + " is " + state(b));
                }
            }
            return problems;
        });
        assertTrue("Bundles not ACTIVE: " + notActive, notActive.isEmpty());
    }

    @Test
    public void componentsOfOurBundlesAreSatisfiedOrActive() {
        List<String> unsatisfied = awaitEmpty(() -> {
            List<String> problems = new ArrayList<>();
            for (ComponentDescriptionDTO description : ourComponents()) {
                if (!scr.isComponentEnabled(description)) {
                    continue;
                }
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    if (configuration.state != ComponentConfigurationDTO.SATISFIED
                        && configuration.state != ComponentConfigurationDTO.ACTIVE) {
                        problems.add(describe(configuration));
                    }
                }
            }
            return problems;
        });
        assertTrue("Components of io.mfpoauth.* bundles not satisfied: " + unsatisfied, unsatisfied.isEmpty());
    }

    @Test
    public void consoleLogIsActive() {
        List<String> names = new ArrayList<>();
        for (ComponentDescriptionDTO description : ourComponents()) {
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.ACTIVE) {
                    names.add(description.name);
                }
            }
        }
        assertTrue("The console log component is not ACTIVE; active: " + names,
            names.contains("io.mfpoauth.log.console.internal.ConsoleLog"));
    }

    @Test
    public void tokenServiceIsRegistered() throws InvalidSyntaxException {
        long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
        ServiceReference<?>[] refs = context.getServiceReferences(TOKEN_SERVICE, null);
        while (refs == null && System.currentTimeMillis() < deadline) {
            sleep();
            refs = context.getServiceReferences(TOKEN_SERVICE, null);
        }
        if (refs == null) {
            fail("No " + TOKEN_SERVICE + " service is registered");
        }
        assertEquals("registered by", "io.mfpoauth.token.service", refs[0].getBundle().getSymbolicName());
    }

    private List<ComponentDescriptionDTO> ourComponents() {
        Bundle[] ours = Arrays.stream(context.getBundles())
            .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith(FirmwareSupport.OUR_BUNDLES))
            .toArray(Bundle[]::new);
        return new ArrayList<>(scr.getComponentDescriptionDTOs(ours));
    }

    private static String describe(ComponentConfigurationDTO configuration) {
        StringBuilder text = new StringBuilder(configuration.description.name).append(" is ")
            .append(switch (configuration.state) {
                case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
                case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
                case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION: " + configuration.failure;
                default -> "state " + configuration.state;
            });
        for (UnsatisfiedReferenceDTO ref : configuration.unsatisfiedReferences) {
            String service = Arrays.stream(configuration.description.references)
                .filter(r -> r.name.equals(ref.name))
                .map(r -> r.interfaceName)
                .findFirst().orElse("?");
            text.append(" [no ").append(service).append(" for reference ").append(ref.name);
            if (ref.target != null) {
                text.append(" with target ").append(ref.target);
            }
            text.append(']');
        }
        return text.toString();
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision revision = b.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "state " + b.getState();
        };
    }

    /** Polls until the list of problems is empty or the time is up; returns the last list. */
    private static List<String> awaitEmpty(Supplier<List<String>> problems) {
        long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
        List<String> last = problems.get();
        while (!last.isEmpty() && System.currentTimeMillis() < deadline) {
            sleep();
            last = problems.get();
        }
        return last;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
