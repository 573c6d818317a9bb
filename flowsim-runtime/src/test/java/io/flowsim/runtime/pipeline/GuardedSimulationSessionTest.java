package io.flowsim.runtime.pipeline;

import io.flowsim.api.ExportSession;
import io.flowsim.api.SimulationSession;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime's wrappers of a plugin's sessions forward every method of the interface they wrap: a
 * default method added to the API later (as {@code peaks} and {@code checkTarget} were) and overridden by
 * a backend would otherwise be answered by the wrapper's inherited default, and the backend's own answer lost.
 */
class GuardedSimulationSessionTest {

    private static List<String> notForwarded(Class<?> api, Class<?> wrapper) {
        return Arrays.stream(api.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .filter(m -> declaringClass(wrapper, m) != wrapper)
                .map(Method::getName)
                .toList();
    }

    private static Class<?> declaringClass(Class<?> wrapper, Method m) {
        try {
            return wrapper.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass();
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    @Test
    void theBackendSessionWrapperForwardsEveryMethod() {
        assertThat(SimulationSession.class.getMethods()).as("the check found the interface's methods").isNotEmpty();
        assertThat(notForwarded(SimulationSession.class, GuardedSimulationSession.class)).isEmpty();
    }

    @Test
    void theExportSessionWrapperForwardsEveryMethod() {
        assertThat(ExportSession.class.getMethods()).isNotEmpty();
        assertThat(notForwarded(ExportSession.class, GuardedExportSession.class)).isEmpty();
    }
}
