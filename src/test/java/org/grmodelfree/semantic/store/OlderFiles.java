package org.grmodelfree.semantic.store;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grmodelfree.store.ModelFile;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

/** Semantic model files as older versions wrote them, for the tests that they still load. */
public final class OlderFiles {
    private OlderFiles() {
    }

    /** A model file's bytes with one key of its config left out, sealed again (as a file from before that key). */
    public static byte[] withoutConfigKey(byte[] bytes, String configKey) throws IOException {
        Value root;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
            root = u.unpackValue();
        }
        Map<Value, Value> out = new LinkedHashMap<>();
        for (Map.Entry<Value, Value> e : root.asMapValue().map().entrySet()) {
            String k = e.getKey().asStringValue().asString();
            if (k.equals("crc32c")) {
                continue; // seal writes it again
            }
            Value v = e.getValue();
            if (k.equals("config")) {
                Map<Value, Value> c = new LinkedHashMap<>(v.asMapValue().map());
                if (c.remove(ValueFactory.newString(configKey)) == null) {
                    throw new IllegalArgumentException("the config has no key " + configKey);
                }
                v = ValueFactory.newMap(c);
            }
            out.put(e.getKey(), v);
        }
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packValue(ValueFactory.newMap(out));
            return ModelFile.seal(p.toByteArray());
        }
    }
}
