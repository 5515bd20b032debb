package dev.arpg.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arpg.api.ModelLoadException;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.samples.train.ShapesRecipe;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedModelTest {
    private static final Path SOURCE = Path.of("src/main/resources/models/shapes");

    @Test
    void namesEveryFileOfTheCommittedBundle() throws IOException {
        try (Stream<Path> files = Files.list(SOURCE)) {
            assertThat(EmbeddedModel.files())
                    .containsExactlyInAnyOrderElementsOf(files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void isReadInPlaceFromABuildTree() {
        ModelBundle bundle = EmbeddedModel.bundle();
        assertThat(bundle.name()).isEqualTo("shapes");
        assertThat(bundle.directory()).endsWith(Path.of("target", "classes", "models", "shapes"));
    }

    @Test
    void recommendsTheRecipesSampling() {
        assertThat(EmbeddedModel.bundle().recommendedSampling()).hasToString(ShapesRecipe.SAMPLING.toSettings().toString());
        assertThat(ShapesRecipe.SAMPLING.order()).isEqualTo("outside-in");
    }

    @Test
    void isUnpackedFromAJarIntoAReadableBundle(@TempDir Path temp) throws IOException {
        Path jar = temp.resolve("model.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : EmbeddedModel.files()) {
                out.putNextEntry(new JarEntry(EmbeddedModel.RESOURCE + name));
                Files.copy(SOURCE.resolve(name), (OutputStream) out);
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Path unpacked = EmbeddedModel.directory(loader);
            assertThat(unpacked).isNotEqualTo(SOURCE);
            for (String name : EmbeddedModel.files()) {
                assertThat(Files.readAllBytes(unpacked.resolve(name))).isEqualTo(Files.readAllBytes(SOURCE.resolve(name)));
            }
            assertThat(ModelBundle.read(unpacked).controls()).containsOnlyKeys("canny", "depth");
        }
    }

    @Test
    void aJarWithoutTheModelIsAClearError(@TempDir Path temp) throws IOException {
        Path jar = temp.resolve("empty.jar");
        new JarOutputStream(Files.newOutputStream(jar)).close();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertThatThrownBy(() -> EmbeddedModel.directory(loader))
                    .isInstanceOf(ModelLoadException.class).hasMessageContaining("models/shapes/");
        }
    }
}
