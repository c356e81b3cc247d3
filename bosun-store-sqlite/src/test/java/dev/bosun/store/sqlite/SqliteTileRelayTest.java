package dev.bosun.store.sqlite;

import dev.bosun.contract.StoreFactory;
import dev.bosun.contract.TileRelayContract;

class SqliteTileRelayTest extends TileRelayContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }
}
