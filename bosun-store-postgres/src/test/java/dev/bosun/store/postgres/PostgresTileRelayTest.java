package dev.bosun.store.postgres;

import dev.bosun.contract.TileRelayContract;
import dev.bosun.contract.StoreFactory;

class PostgresTileRelayTest extends TileRelayContract {
    @Override
    protected StoreFactory factory() { return PgTesting.factory(); }
}
