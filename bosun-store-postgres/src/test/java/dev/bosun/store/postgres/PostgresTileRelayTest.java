package dev.bosun.store.postgres;

import dev.bosun.contract.StoreFactory;
import dev.bosun.contract.TileRelayContract;

class PostgresTileRelayTest extends TileRelayContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }
}
