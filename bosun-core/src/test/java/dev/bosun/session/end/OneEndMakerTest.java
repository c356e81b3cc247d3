package dev.bosun.session.end;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every end of a session is made by {@link SessionEnds}: no other production class of any module
 * builds an {@code EndRequest} by hand (the contract kit, which is test support, may).
 */
class OneEndMakerTest {
    @Test
    void onlySessionEndsBuildsAnEndRequest() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // the build runs in bosun-core
        assertThat(root.resolve("pom.xml")).as("the repository root").exists();
        List<String> makers;
        try (Stream<Path> files = Files.walk(root)) {
            makers = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !root.relativize(p).startsWith("bosun-store-contract"))
                    .filter(OneEndMakerTest::buildsEndRequest)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        }
        assertThat(makers).containsExactly("SessionEnds.java");
    }

    private static boolean buildsEndRequest(Path file) {
        try {
            return Files.readString(file).contains("new EndRequest(");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
