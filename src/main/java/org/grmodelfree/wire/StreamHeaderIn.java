package org.grmodelfree.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * What a stream input does with each message before its items, whatever their type: reads the
 * {@code pass_tags} header (its tags, its offset; a bad header drops the message and is named with
 * the endpoint) and keeps the offsets, counting a forward jump as dropped items and a backward one
 * (the sender restarted) as a rewind. Without {@code pass_tags}, offsets simply count the items.
 * Used by {@link StreamIn} for items of every size. Not thread-safe.
 */
final class StreamHeaderIn {
    private final FrameSocket frames;
    private final boolean passTags;
    private final List<StreamTagHeader.Tag> tags = new ArrayList<>();
    /** Offset of the message being read. */
    private long offset;
    private long expectedOffset;
    private long dropped;
    private long rewinds;

    StreamHeaderIn(FrameSocket frames, boolean passTags) {
        this.frames = frames;
        this.passTags = passTags;
    }

    /**
     * Reads the header of the message of {@code len} bytes in the socket's buffer.
     *
     * @return where its items start (0 without {@code pass_tags})
     * @throws WireFormatException if the header is bad; the message is rejected
     */
    int itemsStart(int len) {
        offset = expectedOffset;
        if (!passTags) {
            return 0;
        }
        byte[] buf = frames.buffer();
        try {
            int start = StreamTagHeader.decode(buf, 0, len, tags);
            offset = StreamTagHeader.offset(buf, 0, len);
            return start;
        } catch (WireFormatException e) {
            throw reject(len, e);
        }
    }

    /** Rejects the message of {@code len} bytes for {@code e}; returns the error, naming the endpoint, to throw. */
    WireFormatException reject(int len, WireFormatException e) {
        tags.clear();
        String reason = frames.label() + ": " + e.getMessage() + "; message of " + len + " bytes dropped";
        frames.reject(reason);
        return new WireFormatException(reason, e);
    }

    /** Takes the message's {@code items} into the offsets; returns the offset of its first item. */
    long accept(int items) {
        if (Long.compareUnsigned(offset, expectedOffset) > 0) {
            dropped += offset - expectedOffset;
        } else if (offset != expectedOffset) {
            rewinds++;
        }
        expectedOffset = offset + items;
        return offset;
    }

    /** The tags of the last message read (pass_tags only), with absolute offsets. */
    List<StreamTagHeader.Tag> tags() {
        return tags;
    }

    /** The offset the next message's first item should have. */
    long expectedOffset() {
        return expectedOffset;
    }

    long droppedItems() {
        return dropped;
    }

    long offsetRewinds() {
        return rewinds;
    }
}
