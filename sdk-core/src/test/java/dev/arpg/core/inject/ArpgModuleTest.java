package dev.arpg.core.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.util.Modules;
import dev.arpg.api.Condition;
import dev.arpg.api.ConditionRegistry;
import dev.arpg.api.GenerationRequest;
import dev.arpg.api.Generator;
import dev.arpg.api.ImageTokenizer;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.ModelLoadException;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.testing.TinyBundle;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArpgModuleTest {
    @TempDir
    Path tmp;

    @Test
    void wiresAGeneratorAndDiscoversPluginsWithNoCodeInCore() {
        TinyBundle.create(tmp.resolve("b"));
        Injector injector = Guice.createInjector(new ArpgModule(tmp.resolve("b")));
        try (Generator generator = injector.getInstance(Generator.class)) {
            Map<String, Condition.Factory> factories = injector.getInstance(
                    Key.get(new TypeLiteral<Map<String, Condition.Factory>>() { }));
            assertThat(factories).containsKey("luma");
            assertThat(injector.getInstance(Device.class)).isEqualTo(Device.cpu());
            assertThat(injector.getInstance(ImageTokenizer.class).gridSize()).isEqualTo(8);
            assertThat(generator.generate(GenerationRequest.builder().classLabel(2)
                    .sampling(s -> s.steps(4).seed(1)).build()).images()).hasSize(1);
        } finally {
            injector.getInstance(NDManager.class).close();
        }
    }

    @Test
    void userModulesAddConditionsAndOverrideBindings() {
        TinyBundle.create(tmp.resolve("b"));
        AbstractModule sketch = new AbstractModule() {
            @Override
            protected void configure() {
                MapBinder.newMapBinder(binder(), String.class, Condition.Factory.class).addBinding("sketch")
                        .toInstance(params -> { throw new InvalidRequestException("sketch: not implemented in this test"); });
            }
        };
        Injector injector = Guice.createInjector(new ArpgModule(tmp.resolve("b")), sketch);
        assertThat(injector.getInstance(ConditionRegistry.class).names()).containsExactlyInAnyOrder("luma", "sketch");

        ModelBundle other = TinyBundle.create(tmp.resolve("other"));
        Injector overridden = Guice.createInjector(Modules.override(new ArpgModule(tmp.resolve("b")))
                .with(new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(ModelBundle.class).toInstance(other);
                    }
                }));
        assertThat(overridden.getInstance(ModelBundle.class).directory()).isEqualTo(tmp.resolve("other"));
    }

    @Test
    void aNameBoundTwiceIsAnError() {
        AbstractModule duplicate = new AbstractModule() {
            @Override
            protected void configure() {
                MapBinder.newMapBinder(binder(), String.class, Condition.Factory.class).addBinding("luma")
                        .toInstance(params -> null);
            }
        };
        assertThatThrownBy(() -> Guice.createInjector(new ConditionModule(), duplicate)
                .getInstance(ConditionRegistry.class)).hasMessageContaining("luma");
    }

    @Test
    void devicesAreParsedAndAMissingGpuIsAClearError() {
        assertThat(Devices.parse("cpu")).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> Devices.parse("tpu")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("unknown device 'tpu'");
        assertThatThrownBy(() -> Devices.parse("gpu:1")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("pytorch-native-cu");
    }

    @Test
    void aDirectoryWithoutDescriptorIsNotABundle() {
        assertThatThrownBy(() -> ModelBundle.read(tmp)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("is not a model bundle: it has no bundle.json");
        assertThatThrownBy(() -> Guice.createInjector(new ArpgModule(tmp)).getInstance(Generator.class))
                .hasMessageContaining("bundle.json");
    }
}
