#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpora of test/fuzz (corpus/<target>/).

    test/fuzz/gen_corpus.py          write every seed (the folder's own
                                     files other than seeds are kept:
                                     regression inputs live there too)
    test/fuzz/gen_corpus.py --check  exit 1 if a seed differs from what
                                     this script writes

The fuzz_stack seeds are scripts in the record format of fuzz_stack.c:
handshakes, data both ways, every close, RST and SYN in several states,
retransmission, zero window, SYN cookies, the manual accept queue. The
sequence and acknowledgement numbers are relative to what each side has
sent, so the seeds do not depend on the engine's ISNs.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- fuzz_stack records ---------------------------------------------------

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

# config byte 0
TS, SACK, CUBIC, COOKIE_ALWAYS, COOKIE_NEVER, OVERFLOW_RST, NAGLE, KEEPALIVE = \
    0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80
# service modes
CONSUME_ALL, CONSUME_NONE, CONSUME_97, CONSUME_1 = 0, 1, 2, 3
ECHO, FIN_CLOSE, FIN_SHUT, REJECT, DATA_CLOSE, DATA_ABORT = \
    0x04, 0x08, 0x10, 0x20, 0x40, 0x80

# seq modes, ack modes, option modes
SEQ_NEXT, SEQ_NEXT_PLUS, SEQ_THEIR_ACK_PLUS, SEQ_ABS = range(4)
ACK_ALL, ACK_ALL_MINUS, ACK_ALL_PLUS, ACK_ABS = range(4)
OPT_NONE, OPT_RAW, OPT_SYN, OPT_TS, OPT_TS_SACK, OPT_SACK, OPT_TS_BACK, \
    OPT_TS_RAW = range(8)


def config(c0=TS | SACK, wscale=7, rcvbuf=3, sndbuf=3, synq=3, backlog=3,
           mss=0, no_arp=False, rx_offload=False, svc=ECHO | FIN_CLOSE):
    c1 = (wscale % 15) | (rcvbuf << 4) | (sndbuf << 6)
    c2 = synq | (backlog << 2) | (mss << 4) | (0x40 if no_arp else 0) | \
        (0x80 if rx_offload else 0)
    return bytes([c0, c1, c2, svc])


def seg(slot=0, flags=ACK, seq=SEQ_NEXT, seq_arg=0, ack=ACK_ALL, ack_arg=0,
        win=65535, opt=OPT_NONE, opt_args=b'', plen=0, payload=None,
        lport=0, hold=False, bad_ip=False, bad_tcp=False):
    sb = slot | (lport << 3) | (0x20 if hold else 0) | \
        (0x40 if bad_ip else 0) | (0x80 if bad_tcp else 0)
    mode = seq | (ack << 2) | (opt << 4) | (0x80 if payload is not None else 0)
    b = bytes([0, sb, flags, mode])
    if seq in (SEQ_NEXT_PLUS, SEQ_THEIR_ACK_PLUS):
        b += struct.pack('>h', seq_arg)
    elif seq == SEQ_ABS:
        b += struct.pack('>I', seq_arg & 0xffffffff)
    if ack == ACK_ALL_MINUS:
        b += struct.pack('>H', ack_arg)
    elif ack == ACK_ALL_PLUS:
        b += struct.pack('>h', ack_arg)
    elif ack == ACK_ABS:
        b += struct.pack('>I', ack_arg & 0xffffffff)
    b += struct.pack('>H', win) + opt_args
    if payload is not None:
        plen = len(payload)
    b += struct.pack('>H', plen)
    if payload is not None:
        b += payload
    return b


def syn_opts(mss=1460, ts=True, sack=True, ws=7):
    """Option bits byte (+ MSS) of OPT_SYN."""
    bits = (1 if mss is not None else 0) | (2 if ts else 0) | \
        (4 if sack else 0) | (8 if ws is not None else 0) | \
        (((ws or 0) & 0x0f) << 4)
    b = bytes([bits])
    if mss is not None:
        b += struct.pack('>H', mss)
    return b


def sack_blocks(*blocks):
    """OPT_SACK / OPT_TS_SACK arguments: (offset, length) from our ACK."""
    b = bytes([len(blocks) - 1])
    for off, ln in blocks:
        b += struct.pack('>HH', off, ln)
    return b


def raw(frame):
    return bytes([6]) + struct.pack('>H', len(frame)) + frame


def advance(ms=0, tens=0, fifths=0, fives=0):
    """ADVANCE by ms (1..64), tens of ms, 200 ms or 5 s units."""
    for unit, n in ((0, ms), (1, tens), (2, fifths), (3, fives)):
        if n:
            assert 1 <= n <= 64
            return bytes([7, (unit << 6) | (n - 1)])
    raise ValueError


def send(conn, n):
    return bytes([8, conn]) + struct.pack('>H', n)


def close(conn=0):
    return bytes([9, conn])


def abort(conn=0):
    return bytes([10, conn])


def shutdown(conn=0):
    return bytes([11, conn])


def connect(remote=False, dport=0, sport=None):
    b = (1 if remote else 0) | (dport << 1)
    if sport is not None:
        b |= 8 | (sport << 4)
    return bytes([12, b])


def misc(what, arg=0):
    return bytes([13, what, arg])


def service(mode):
    return bytes([14, mode])


def dup(hold=False):
    return bytes([15, 4 if hold else 0])


def arp(gw=False):
    return bytes([15, 3 if gw else 1])


def handshake(slot=0, opts=None, lport=0):
    """Peer SYN (with SYN options), the stack's SYN-ACK, the final ACK."""
    if opts is None:
        s = seg(slot, SYN, lport=lport)
    else:
        s = seg(slot, SYN, opt=OPT_SYN, opt_args=opts, lport=lport)
    ack_opts = dict(opt=OPT_TS) if opts is not None and opts[0] & 2 else {}
    return s + seg(slot, ACK, **ack_opts)


def ts_seg(**kw):
    return seg(opt=OPT_TS, **kw)


def stack_seeds():
    full = syn_opts()
    seeds = {}
    # Passive open, data both ways (echo), the peer closes, the service
    # closes on FIN, the peer ACKs the FIN.
    seeds['passive-echo-close'] = (
        config() + handshake(0, full) +
        ts_seg(flags=ACK | PSH, plen=100) +
        ts_seg(flags=ACK, plen=1000) +
        ts_seg(flags=ACK | FIN) + ts_seg(flags=ACK) + advance(tens=5))
    # No options at all; consume nothing until told, then resume.
    seeds['passive-plain-window'] = (
        config(c0=0, wscale=0, rcvbuf=0, svc=CONSUME_NONE) + handshake() +
        seg(flags=ACK, plen=536) + seg(flags=ACK, plen=536) +
        seg(flags=ACK, plen=536) + seg(flags=ACK, plen=536) +
        service(CONSUME_97) + misc(1) + service(CONSUME_ALL | ECHO) +
        misc(1) + seg(flags=ACK) + advance(tens=5) + close() +
        seg(flags=ACK | FIN) + advance(fives=1))
    # Out-of-order data reported with SACK, then the hole filled.
    seeds['reassembly-sack'] = (
        config(svc=CONSUME_ALL) + handshake(1, full) +
        seg(1, ACK, seq=SEQ_NEXT_PLUS, seq_arg=1000, opt=OPT_TS, plen=500) +
        seg(1, ACK, seq=SEQ_NEXT_PLUS, seq_arg=2000, opt=OPT_TS, plen=500) +
        seg(1, ACK, seq=SEQ_THEIR_ACK_PLUS, seq_arg=0, opt=OPT_TS,
            plen=1000) +
        seg(1, ACK, seq=SEQ_THEIR_ACK_PLUS, seq_arg=-200, opt=OPT_TS,
            plen=1000) +
        seg(1, ACK | FIN, seq=SEQ_THEIR_ACK_PLUS, opt=OPT_TS) +
        advance(tens=10) + close(0) + seg(1, ACK, opt=OPT_TS))
    # The service sends more than a window; the peer ACKs part, repeats
    # ACKs (fast retransmit) and SACKs, lets the RTO fire.
    seeds['send-loss-recovery'] = (
        config(svc=CONSUME_ALL) + handshake(2, full) + send(0, 20000) +
        seg(2, ACK, ack=ACK_ALL_MINUS, ack_arg=8000, opt=OPT_TS) +
        seg(2, ACK, ack=ACK_ALL_MINUS, ack_arg=8000, opt=OPT_TS_SACK,
            opt_args=sack_blocks((1448, 1448))) +
        seg(2, ACK, ack=ACK_ALL_MINUS, ack_arg=8000, opt=OPT_TS_SACK,
            opt_args=sack_blocks((1448, 2896))) +
        seg(2, ACK, ack=ACK_ALL_MINUS, ack_arg=8000, opt=OPT_TS_SACK,
            opt_args=sack_blocks((1448, 4344))) +
        advance(fifths=2) + advance(fifths=5) +
        seg(2, ACK, opt=OPT_TS) + advance(fifths=1) +
        seg(2, ACK, opt=OPT_TS) + shutdown(0) + seg(2, ACK | FIN,
                                                    opt=OPT_TS) +
        advance(fives=1))
    # Zero window from the peer: persist probes, then the window opens.
    seeds['zero-window'] = (
        config(c0=SACK, svc=CONSUME_ALL) +
        handshake(3, syn_opts(ts=False)) + seg(3, ACK, win=0) +
        send(0, 3000) + advance(fifths=3) + advance(fives=1) +
        seg(3, ACK, win=0) + advance(fives=2) + seg(3, ACK, win=65535) +
        advance(tens=2) + seg(3, ACK) + abort(0))
    # Active open to the peer and to the off-link host, data, close.
    seeds['active-open'] = (
        config(svc=CONSUME_ALL | FIN_CLOSE) + connect() +
        seg(0, SYN | ACK, opt=OPT_SYN, opt_args=full) +
        send(0, 4000) + ts_seg(slot=0, flags=ACK) +
        ts_seg(slot=0, flags=ACK | PSH, plen=300) +
        close(0) + ts_seg(slot=0, flags=ACK) +
        ts_seg(slot=0, flags=ACK | FIN) + advance(fives=1) +
        connect(remote=True, dport=1) +
        seg(1, SYN | ACK, opt=OPT_SYN, opt_args=syn_opts(ts=False)) +
        seg(1, ACK | FIN) + advance(ms=10))
    # Active open refused, and one that times out.
    seeds['active-refused-timeout'] = (
        config() + connect() + seg(0, RST | ACK) + connect(dport=2) +
        advance(fives=10) + advance(fives=30))
    # Simultaneous open and simultaneous close.
    seeds['simultaneous'] = (
        config(svc=CONSUME_ALL) + connect(sport=1) +
        seg(0, SYN, opt=OPT_SYN, opt_args=full) +
        seg(0, ACK, opt=OPT_TS) + close(0) +
        seg(0, ACK | FIN, ack=ACK_ALL_MINUS, ack_arg=1, opt=OPT_TS) +
        seg(0, ACK, opt=OPT_TS) + advance(fives=1))
    # RST: exact, in window (challenge ACK), outside; SYN in ESTABLISHED.
    seeds['rst-and-syn'] = (
        config(svc=CONSUME_ALL) + handshake(4, full) +
        seg(4, RST, seq=SEQ_THEIR_ACK_PLUS, seq_arg=100) +
        seg(4, RST, seq=SEQ_THEIR_ACK_PLUS, seq_arg=-30000) +
        seg(4, SYN, seq=SEQ_NEXT_PLUS, seq_arg=5, opt=OPT_SYN,
            opt_args=full) +
        seg(4, ACK, opt=OPT_TS_BACK, plen=10) +
        seg(4, RST, seq=SEQ_THEIR_ACK_PLUS, seq_arg=0) +
        handshake(5, None) + seg(5, RST | ACK, plen=0))
    # SYN cookies always; the handshake completes from the cookie.
    seeds['syncookies'] = (
        config(c0=TS | SACK | COOKIE_ALWAYS, synq=0) + handshake(0, full) +
        ts_seg(flags=ACK | PSH, plen=64) +
        handshake(1, syn_opts(ts=False, sack=False, ws=None)) +
        seg(1, ACK, seq=SEQ_NEXT_PLUS, seq_arg=-1) +
        seg(1, ACK | FIN) + advance(fives=1))
    # The manual accept queue: connections wait until taken; a full
    # backlog; a listener closed with connections queued.
    seeds['manual-accept'] = (
        config(backlog=0, c0=TS | SACK | OVERFLOW_RST) +
        handshake(0, full, lport=1) + handshake(1, full, lport=1) +
        seg(0, ACK | PSH, opt=OPT_TS, plen=100) + misc(0) + misc(0) +
        misc(4, 0) + misc(7, 0) + handshake(2, full, lport=1) +
        misc(5, 3) + misc(5, 2) + advance(fifths=1))
    # Half-close by the service, data still flowing in; FIN-WAIT-2, then
    # TIME-WAIT and a new SYN on the same tuple (RFC 6191 reuse).
    seeds['half-close-timewait-reuse'] = (
        config(svc=CONSUME_ALL) + handshake(6, full) + send(0, 100) +
        shutdown(0) + seg(6, ACK, opt=OPT_TS) +
        seg(6, ACK | PSH, opt=OPT_TS, plen=200) +
        seg(6, ACK | FIN, opt=OPT_TS) + advance(ms=5) +
        seg(6, SYN, seq=SEQ_NEXT_PLUS, seq_arg=1000, opt=OPT_SYN,
            opt_args=full) + seg(6, ACK, opt=OPT_TS) + advance(fives=1))
    # Keepalive on an idle connection; Nagle and CUBIC; bursts of held
    # segments and a duplicate.
    seeds['keepalive-nagle-burst'] = (
        config(c0=TS | SACK | CUBIC | NAGLE | KEEPALIVE, svc=ECHO) +
        handshake(0, full) + advance(fives=3) + seg(0, ACK, opt=OPT_TS) +
        ts_seg(flags=ACK, plen=10, hold=True) +
        ts_seg(flags=ACK, plen=20, hold=True) +
        ts_seg(flags=ACK, plen=30, hold=True) + dup() +
        misc(3, 1) + send(0, 5) + send(0, 5) + advance(tens=5) +
        seg(0, ACK, opt=OPT_TS) + advance(fives=5))
    # Frames to closed ports, bad checksums, the wrong address, an ICMP
    # echo request and an ARP request as raw frames.
    icmp = bytes.fromhex(
        '020000000001020000000002080045000024000040004001'
        '0000c6120002c6120001080000000001000161626364656667')
    arpreq = bytes.fromhex(
        'ffffffffffff020000000002080600010800060400010200000000'
        '02c61200020000000000 00c6120001'.replace(' ', ''))
    seeds['closed-port-raw'] = (
        config(no_arp=True, svc=REJECT) + seg(0, SYN, lport=2) +
        arp() + seg(0, SYN, lport=2) + seg(1, SYN, bad_tcp=True) +
        seg(1, SYN, bad_ip=True) + raw(icmp) + raw(arpreq) +
        handshake(2) + advance(ms=1))
    # Data with the service closing or aborting from on_data, and one
    # small receive buffer filled up.
    seeds['close-in-callbacks'] = (
        config(rcvbuf=0, svc=DATA_CLOSE) + handshake(0, full) +
        ts_seg(flags=ACK, plen=1000) + ts_seg(flags=ACK, plen=1000) +
        ts_seg(flags=ACK | FIN) + service(DATA_ABORT) +
        handshake(1, full) + seg(1, ACK, opt=OPT_TS, plen=1) +
        advance(ms=1))
    return seeds


# ---- the other targets ------------------------------------------------------


def tcp_options_input(flags, opts, mss=1460, ws=7, syn_ts=(7, 9),
                      tsval=100, ts_recent=200, dsack=(0, 0), seq=1000,
                      segs=()):
    """fuzz_tcp_options.c's input: flags, options, then the writers'
    values; segs are (gap, length, stamp) of held out-of-order data."""
    b = bytes([flags, len(opts)]) + opts
    b += struct.pack('>HBII', mss, ws, *syn_ts)
    b += struct.pack('>IIII', tsval, ts_recent, *dsack)
    b += bytes([len(segs)]) + struct.pack('>I', seq)
    for gap, ln, stamp in segs:
        b += struct.pack('>HHB', gap, ln - 1, stamp)
    return b


def tcp_options_seeds():
    SYN, TS_OK, SACK_OK, DSACK, OFFER_WS, OFFER_SACK = \
        0x01, 0x02, 0x04, 0x08, 0x10, 0x20
    return {
        'syn-linux': tcp_options_input(
            SYN | TS_OK | OFFER_WS | OFFER_SACK,
            bytes.fromhex('020405b40402080a000000070000000901030307')),
        'syn-mss-only': tcp_options_input(SYN, bytes.fromhex('020405b4')),
        'ts-sack-held': tcp_options_input(
            TS_OK | SACK_OK, bytes.fromhex(
                '0101080a0000000a0000000b0101051a'
                '000003e8000007d0' '00000bb800000fa0' '0000138800001770'),
            segs=((100, 100, 1), (0, 100, 2), (500, 200, 3),
                  (10, 10, 9), (10, 10, 4))),
        'dsack-no-ts': tcp_options_input(
            SACK_OK | DSACK, bytes.fromhex('0101050a0000000100000002'),
            dsack=(500, 600), seq=0xfffffff0,
            segs=((0, 100, 5), (1, 1, 1), (1, 1, 2), (1, 1, 3),
                  (1, 1, 4), (0, 2, 6))),
        'eol-nop': tcp_options_input(SYN, bytes.fromhex('01010000ff')),
        'bad-length': tcp_options_input(SYN, bytes.fromhex('0201')),
        'unknown-kinds': tcp_options_input(
            0, bytes.fromhex('1e0400001c02fe03aa')),
    }


HTTP = [
    b'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
    b'GET /bytes/100 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    b'HEAD /bytes/5 HTTP/1.0\r\n\r\n',
    b'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello'
    b'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
    b'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'
    b'5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n'
    b'GET /bytes/3 HTTP/1.1\r\nHost: b\r\n\r\n',
    b'GET http://a/bytes/7 HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n'
    b'Connection: keep-alive, Upgrade\r\n\r\n',
    b'GET / HTTP/2.0\r\nHost: a\r\n\r\n',
    b'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    b'GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n',
    b'PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n'
    b'Transfer-Encoding: chunked\r\n\r\n',
    b'GET /nothing HTTP/1.1\nHost: a\n\n',
]


def http_seeds():
    # First two bytes: the seed of the splits (see fuzz_http.c).
    return {'req-%02d' % i: bytes([i, 0x5a]) + r
            for i, r in enumerate(HTTP)}


# fuzz_arp.c records. Address selectors: IP 0 = 198.18.0.2, 1-4 and
# 14-15 other neighbours, 5 the gateway, 6 us, 7 0.0.0.0, 8 broadcast,
# 11 off-link; MAC 0 = the neighbour's, 2 the gateway's, 3 ours,
# 4 broadcast, 5 zero, 6 multicast.
def arp_frame(op=0, sha=0, sip=0, tha=5, tip=6, dst=1, brk=0, pad=0):
    return bytes([0, op, sha, sip, tha, tip, dst, brk, pad])


def arp_seeds():
    ARP_REQ, ARP_REPLY = 0, 1
    out = lambda ip, n=20: bytes([3, ip, n])
    adv = lambda n: bytes([2, n])
    check, poll, announce = bytes([7]), bytes([6]), bytes([4])
    arpreq = bytes.fromhex(
        'ffffffffffff020000000002080600010800060400010200000000'
        '02c6120002000000000000c6120001')
    return {
        'request-echo': (
            arp_frame(ARP_REQ) + bytes([5, 0, 0]) + adv(10) + check),
        'learn-then-output': (
            out(0) + arp_frame(ARP_REPLY, tha=3, dst=0) + out(0, 100) +
            out(11, 10) + arp_frame(ARP_REPLY, sha=2, sip=5, tha=3,
                                    dst=0) +
            out(11, 0) + adv(255) + adv(255) + out(0) + check),
        'unresolved-retries-full': (
            out(1) + out(1) + out(1) + adv(9) + adv(9) + adv(9) +
            out(2) + out(3) + out(4) + out(14) + out(15) + check +
            arp_frame(ARP_REPLY, sha=7, sip=14, tha=3, dst=0) + poll +
            adv(50) + check),
        'announce-odd-frames': (
            announce + bytes([1, len(arpreq)]) + arpreq +
            arp_frame(ARP_REQ, sip=0, tip=0) +
            arp_frame(ARP_REQ, brk=1) + arp_frame(ARP_REQ, brk=0x10,
                                                  pad=20) +
            arp_frame(ARP_REQ, sha=6) + arp_frame(ARP_REQ, sip=6) +
            arp_frame(ARP_REPLY, sip=7, dst=2) + out(8) + out(6) +
            check),
    }


PROFILES = {
    'tap': b"""; a TAP profile with every section
[device]
vdev = net_tap0,iface=${PTG_TAP_IFACE:-ptg0}

[queues]
mode = pipeline
rx_queues = auto
tx_queues = auto
rx_desc = 1024
tx_desc = 1024

[port]
mtu = 1500
promiscuous = no
link_wait_ms = 1000
link_required = no

[offloads]
rx_checksum = yes
tx_checksum = yes
tso = no

[rss]
mode = auto
key = symmetric
""",
    'minimal': b'[device]\nvdev = net_null0\n',
    'env': b'[device]\nvdev = net_tap0,iface=${PTG_FUZZ_IF:-ptg9}\n'
           b'[queues]\nrx = 2\ntx = 2\nmode = pipeline\n',
    'bad-line': b'[device]\nvdev\n',
    'pci': b'; comment\n[device]\npci = 0000:00:04.0,txq_inline=1\n'
           b'[port]\nmtu = 9000\n[offloads]\nrx_checksum = yes\n'
           b'tx_checksum = off\ntso = 1\n[rss]\nmode = on\n'
           b'key = 6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a\n',
}


def ini_seeds():
    return dict(PROFILES)


OPTIONS = [
    [b'--addr', b'198.18.0.2/24'],
    [b'--addr=198.18.0.2/24', b'--gateway', b'198.18.0.1', b'--service',
     b'7:echo', b'--service', b'80:http:maxbytes=100,pool=8'],
    [b'--addr', b'198.18.0.2/24', b'--workers', b'2', b'--mode',
     b'pipeline', b'--cc', b'cubic', b'--syncookies', b'always',
     b'--backlog', b'16', b'--max-conns', b'1024', b'--time-wait-ms',
     b'1000', b'--rto-min-ms', b'5', b'--linger-ms', b'0', b'--mbufs',
     b'4096', b'--idle-sleep-us', b'20', b'--tx-drain-us', b'10'],
    [b'--config', b'@CFG'],
    [b'--config=@CFG', b'--service', b'9:discard', b'--profile',
     b'x.ini'],
    [b'--addr', b'1.2.3.4/33'],
    [b'--bogus'],
    [b'--help'],
]

CONFIGS = [
    b'',
    b'',
    b'',
    b'[portgate]\naddr = 198.18.0.2/24\nservice = 7:echo\n'
    b'service = 19:chargen\nprofile = af_packet.ini\n',
    b'[portgate]\naddr = ${PTG_FUZZ_ADDR:-198.18.0.2/24}\nworkers = 1\n'
    b'gateway = 198.18.0.1\n',
    b'',
    b'',
    b'',
]


def options_seeds():
    out = {}
    for i, (args, cfg) in enumerate(zip(OPTIONS, CONFIGS)):
        b = b'\0'.join(args)
        if cfg:
            b += b'\0\0' + cfg
        out['argv-%02d' % i] = b
    return out


TARGETS = {
    'fuzz_stack': stack_seeds,
    'fuzz_tcp_options': tcp_options_seeds,
    'fuzz_http': http_seeds,
    'fuzz_arp': arp_seeds,
    'fuzz_ini': ini_seeds,
    'fuzz_options': options_seeds,
}


def main():
    check = '--check' in sys.argv[1:]
    stale = []
    for target, make in TARGETS.items():
        d = os.path.join(HERE, 'corpus', target)
        os.makedirs(d, exist_ok=True)
        for name, data in make().items():
            path = os.path.join(d, 'seed-' + name)
            old = open(path, 'rb').read() if os.path.exists(path) else None
            if old == data:
                continue
            if check:
                stale.append(path)
            else:
                with open(path, 'wb') as f:
                    f.write(data)
    if stale:
        print('out of date (run test/fuzz/gen_corpus.py):')
        for p in stale:
            print('  ' + p)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
