package org.grmodelfree.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * JSON output for summaries and machine-readable results. Map entries keep their insertion order,
 * and non-finite {@code double}/{@code float} values (NaN, infinities), whether boxed, primitive
 * record or bean fields, or elements of {@code double[]}/{@code float[]}, are written as JSON
 * {@code null}, so the output is always valid JSON.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .addModule(nonFiniteAsNullModule())
            .build();

    private static final ObjectWriter COMPACT = MAPPER.writer()
            .without(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /**
     * The shared mapper: pretty printing on, map entries in insertion order, non-finite numbers
     * written as {@code null}. It is shared by all callers, so do not reconfigure it; use
     * {@link ObjectMapper#copy()} or {@link ObjectMapper#writer()} variants for other settings.
     *
     * @return the shared, thread-safe mapper
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Atomically writes {@code value} as pretty-printed JSON followed by a newline
     * (see {@link AtomicFiles#write}).
     *
     * @param file  file to create or replace; the file on disk is modified
     * @param value value to serialize (maps, lists, records, arrays, ...); not modified
     * @throws IOException if serialization or writing fails
     */
    public static void write(Path file, Object value) throws IOException {
        Objects.requireNonNull(file, "file");
        String text = MAPPER.writeValueAsString(value);
        AtomicFiles.writeString(file, text + "\n");
    }

    /**
     * Serializes {@code value} as compact one-line JSON (no trailing newline).
     *
     * @param value value to serialize; not modified
     * @return the JSON text
     * @throws UncheckedIOException if the value cannot be serialized
     */
    public static String toCompactString(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SimpleModule nonFiniteAsNullModule() {
        SimpleModule module = new SimpleModule("gr-modelfree-non-finite-as-null");
        DoubleAsNull doubles = new DoubleAsNull();
        FloatAsNull floats = new FloatAsNull();
        module.addSerializer(Double.class, doubles);
        module.addSerializer(double.class, doubles);
        module.addSerializer(Float.class, floats);
        module.addSerializer(float.class, floats);
        module.addSerializer(double[].class, new DoubleArrayAsNull());
        module.addSerializer(float[].class, new FloatArrayAsNull());
        return module;
    }

    private static void writeDouble(JsonGenerator gen, double v) throws IOException {
        if (Double.isFinite(v)) {
            gen.writeNumber(v);
        } else {
            gen.writeNull();
        }
    }

    private static void writeFloat(JsonGenerator gen, float v) throws IOException {
        if (Float.isFinite(v)) {
            gen.writeNumber(v);
        } else {
            gen.writeNull();
        }
    }

    private static final class DoubleAsNull extends StdSerializer<Double> {
        DoubleAsNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            writeDouble(gen, value);
        }
    }

    private static final class FloatAsNull extends StdSerializer<Float> {
        FloatAsNull() {
            super(Float.class);
        }

        @Override
        public void serialize(Float value, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            writeFloat(gen, value);
        }
    }

    private static final class DoubleArrayAsNull extends StdSerializer<double[]> {
        DoubleArrayAsNull() {
            super(double[].class);
        }

        @Override
        public void serialize(double[] value, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            gen.writeStartArray(value, value.length);
            for (double v : value) {
                writeDouble(gen, v);
            }
            gen.writeEndArray();
        }
    }

    private static final class FloatArrayAsNull extends StdSerializer<float[]> {
        FloatArrayAsNull() {
            super(float[].class);
        }

        @Override
        public void serialize(float[] value, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            gen.writeStartArray(value, value.length);
            for (float v : value) {
                writeFloat(gen, v);
            }
            gen.writeEndArray();
        }
    }
}
