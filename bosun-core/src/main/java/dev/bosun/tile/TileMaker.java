package dev.bosun.tile;

import dev.bosun.config.TileSettings;
import dev.bosun.delivery.CheckpointBatch;
import dev.bosun.delivery.CheckpointMaker;
import dev.bosun.delivery.Consumer;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.NewDelivery;
import dev.bosun.event.Event;
import dev.bosun.id.Ids;
import java.util.ArrayList;
import java.util.List;

/**
 * One tile per checkpoint event. Tiles are always made and kept; they are PENDING (to be sent) when
 * a PLATO server is configured and neither the config nor the session turned tiles off, else LOCAL.
 */
public final class TileMaker implements CheckpointMaker {
    /** The target of every tile: there is one PLATO server. */
    public static final String TARGET = "plato";

    private final TileSettings settings;
    private final TileFactory factory;
    private final Ids ids;

    public TileMaker(TileSettings settings, boolean routingEnabled, Ids ids) {
        this.settings = settings;
        this.factory = new TileFactory(settings, routingEnabled);
        this.ids = ids;
    }

    @Override
    public Consumer consumer() {
        return Consumer.TILES;
    }

    @Override
    public List<NewDelivery> make(CheckpointBatch b) {
        boolean send = settings.platoUrl().isPresent() && b.emitTiles().orElse(settings.emit());
        var out = new ArrayList<NewDelivery>(b.events().size());
        for (Event e : b.events()) {
            factory.tile(b, e)
                    .ifPresent(tile -> out.add(new NewDelivery(
                            "tile_" + ids.nextUlid(),
                            DeliveryKind.TILE,
                            TARGET,
                            b.tenant(),
                            b.sessionId(),
                            e.seq(),
                            e.type(),
                            tile,
                            send ? DeliveryState.PENDING : DeliveryState.LOCAL,
                            e.createdAt())));
        }
        return out;
    }
}
