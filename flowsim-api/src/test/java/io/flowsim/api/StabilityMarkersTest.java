package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every public top-level type of the API says how stable it is and since when. */
class StabilityMarkersTest {

    private static final Path SOURCES = Path.of("src/main/java");

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().equals("package-info.java"))
                    .sorted().toList();
        }
    }

    private static Class<?> type(Path source) throws ClassNotFoundException {
        String name = SOURCES.relativize(source).toString().replace('/', '.').replaceAll("\\.java$", "");
        return Class.forName(name);
    }

    @Test
    void everyPublicTypeHasAStabilityAnnotationAndASinceTag() throws Exception {
        List<Path> sources = sources();
        assertThat(sources).as("the API sources were found").hasSizeGreaterThan(40);
        for (Path source : sources) {
            Class<?> type = type(source);
            if (!Modifier.isPublic(type.getModifiers())) {
                continue;
            }
            assertThat(type.getAnnotation(Stability.class)).as(type.getName() + " has @Stability").isNotNull();
            assertThat(Files.readString(source)).as(type.getName() + " has a javadoc @since").contains("@since ");
        }
    }
}
