package dev.bosun.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.wire.WireEnum;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * WireMapping turns core enums into wire enums by constant name: every core constant must have its
 * wire twin, with the same wire value, or an answer carrying it would fail (or say something else).
 */
class WireMappingTest {
    @Test
    void everyCoreConstantHasAWireTwinWithTheSameValue() {
        same(dev.bosun.session.SessionStatus.values(), dev.bosun.wire.SessionStatus.class, c -> c.wire());
        same(dev.bosun.session.SessionOutcome.values(), dev.bosun.wire.SessionOutcome.class, c -> c.value());
        same(dev.bosun.session.EndReason.values(), dev.bosun.wire.EndReason.class, c -> c.code());
        same(dev.bosun.task.TaskStatus.values(), dev.bosun.wire.TaskStatus.class, c -> c.value());
        same(dev.bosun.task.TaskPriority.values(), dev.bosun.wire.TaskPriority.class, c -> c.value());
        same(dev.bosun.event.Direction.values(), dev.bosun.wire.Direction.class, c -> c.value());
        same(dev.bosun.delivery.DeliveryState.values(), dev.bosun.wire.DeliveryState.class, c -> c.wire());
        same(dev.bosun.delivery.TargetHealth.Status.values(), dev.bosun.wire.TargetStatus.class, c -> c.wire());
        same(dev.bosun.error.ErrorCode.values(), dev.bosun.wire.ErrorCode.class, c -> c.name());
        same(
                dev.bosun.tile.TileKind.values(),
                dev.bosun.wire.TileKind.class,
                c -> c.name().toLowerCase(Locale.ROOT));
    }

    @Test
    void everyTileKindIsTheKindOfItsEvent() {
        for (var k : dev.bosun.tile.TileKind.values())
            assertThat(WireMapping.tileKind(k.eventType()).name()).isEqualTo(k.name());
    }

    private static <C extends Enum<C>, W extends Enum<W>> void same(
            C[] core, Class<W> wire, Function<C, String> value) {
        for (C c : core) {
            W w = WireMapping.same(wire, c);
            String wireValue = w instanceof WireEnum e ? e.wire() : w.name();
            assertThat(wireValue).as(c.getDeclaringClass().getName() + "." + c).isEqualTo(value.apply(c));
        }
    }
}
