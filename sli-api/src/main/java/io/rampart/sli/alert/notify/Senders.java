package io.rampart.sli.alert.notify;

import io.rampart.store.secret.SecretSealer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/** The sender of each channel type, and a channel row opened into what its sender needs. */
@ApplicationScoped
public class Senders {

    private final Map<ChannelType, ChannelSender> byType = new EnumMap<>(ChannelType.class);
    private final SecretSealer sealer;

    public Senders(Instance<ChannelSender> senders, SecretSealer sealer) {
        senders.forEach(sender -> byType.put(sender.type(), sender));
        this.sealer = sealer;
    }

    public ChannelSender of(String type) {
        ChannelSender sender = byType.get(ChannelType.of(type));
        if (sender == null) {
            throw new IllegalStateException("no sender for channel type " + type);
        }
        return sender;
    }

    /** A channel row (id, name, url, settings, key_id, sealed) with its credential opened. */
    public Recipient recipient(Row row) {
        UUID id = row.getUUID("id");
        String keyId = row.getString("key_id");
        String credential = keyId == null ? null
                : sealer.open(ChannelService.sealOwner(id), new SecretSealer.Sealed(keyId, row.getBuffer("sealed").getBytes()));
        Object settings = row.getValue("settings");
        return new Recipient(id.toString(), row.getString("name"), row.getString("url"),
                settings instanceof JsonObject json ? json : new JsonObject(), credential);
    }
}
