package org.grmodelfree.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Byte-array views for the two byte orders this package speaks. Internal. */
final class Bytes {

    static final VarHandle LE_SHORT = view(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LE_LONG = view(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LE_FLOAT = view(float[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle BE_SHORT = view(short[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle BE_INT = view(int[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle BE_LONG = view(long[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle BE_FLOAT = view(float[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle BE_DOUBLE = view(double[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {}

    private static VarHandle view(Class<?> arrayType, ByteOrder order) {
        return MethodHandles.byteArrayViewVarHandle(arrayType, order);
    }

    /** Hex byte for messages, e.g. {@code 0x42}. */
    static String hex8(int b) {
        return String.format("0x%02x", b & 0xff);
    }
}
