"""What the qa_*.py tests share: polling, a message source to post from, a losses PDU, and
stopping the block processes a test started. Not installed (tests only)."""

import threading
import time

import pmt
from gnuradio import gr


def wait_for(condition, tries=600, every=0.05):
    """Polls condition up to tries times; returns its last value."""
    for _ in range(tries):
        value = condition()
        if value:
            return value
        time.sleep(every)
    return condition()


def alive(pid):
    """Whether process pid runs (a zombie, ended but not yet reaped, counts as ended)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def losses_pdu(batch, losses):
    """A control PDU of per-example losses, as the receiver sends them."""
    meta = pmt.make_dict()
    for k, v in reversed([("type", pmt.intern("losses")), ("version", pmt.from_long(1)),
                          ("batch_id", pmt.from_uint64(batch)), ("iteration", pmt.from_uint64(1))]):
        meta = pmt.dict_add(meta, pmt.intern(k), v)
    return pmt.cons(meta, pmt.init_f32vector(len(losses), losses))


class Post(gr.basic_block):
    """A message source the test posts from."""

    def __init__(self):
        gr.basic_block.__init__(self, "post", None, None)
        self.message_port_register_out(pmt.intern("out"))

    def post(self, msg):
        self.message_port_pub(pmt.intern("out"), msg)


def stop_processes(blocks):
    """Stops the block processes of these blocks, all at once (each takes a moment)."""
    stopping = [threading.Thread(target=b.stop_process) for b in blocks]
    for t in stopping:
        t.start()
    for t in stopping:
        t.join()
