#!/usr/bin/env python3
"""A raw SIP client for tests/flows/t_pbx_hostile.sh: it speaks to a
sipflow PBX instance over UDP on 127.0.0.1 and 127.0.0.2, computes its
own digests (RFC 2617, qop=auth) and sends what a careless or hostile
phone would.  Each case prints one line "CASE got CODE"; the shell test
compares them with what RFC 3261 says.

  pbx_client.py PBX_PORT LOCAL_PORT USER PASSWORD
"""
import hashlib
import random
import re
import socket
import sys

PBX_PORT, LPORT, USER, PASSWORD = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
PBX = ("127.0.0.1", PBX_PORT)


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def sock(ip):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ip, LPORT))
    s.settimeout(3)
    return s


class Phone:
    def __init__(self, ip):
        self.ip = ip
        self.s = sock(ip)
        self.callid = "%x@%s" % (random.getrandbits(64), ip)
        self.cseq = 0

    def request(self, method, ruri, headers, body=""):
        self.cseq += 1
        branch = "z9hG4bK%x" % random.getrandbits(48)
        msg = ("%s %s SIP/2.0\r\n"
               "Via: SIP/2.0/UDP %s:%d;branch=%s;rport\r\n"
               "Max-Forwards: 70\r\n"
               "From: <sip:%s@127.0.0.1>;tag=t%x\r\n"
               "To: <sip:%s@127.0.0.1>\r\n"
               "Call-ID: %s\r\n"
               "CSeq: %d %s\r\n"
               "%s"
               "Content-Length: %d\r\n\r\n%s") % (
            method, ruri, self.ip, LPORT, branch, USER, self.cseq,
            self.to if hasattr(self, "to") else USER, self.callid,
            self.cseq, method, "".join(h + "\r\n" for h in headers),
            len(body), body)
        self.s.sendto(msg.encode(), PBX)
        return self.final(method, branch, msg)

    def final(self, method, branch, msg):
        """The first final response to our request (ACKed if INVITE)."""
        while True:
            try:
                data, _ = self.s.recvfrom(65535)
            except socket.timeout:
                return None, ""
            text = data.decode(errors="replace")
            if branch not in text:
                continue
            code = int(text.split(" ", 2)[1])
            if code < 200:
                continue
            if method == "INVITE":
                to = re.search(r"^To: (.*)$", text, re.M | re.I).group(1).strip()
                first = msg.split("\r\n")[0].split(" ")[1]
                ack = ("ACK %s SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=%s;rport\r\n"
                       "Max-Forwards: 70\r\n%s\r\nTo: %s\r\nCall-ID: %s\r\n"
                       "CSeq: %d ACK\r\nContent-Length: 0\r\n\r\n") % (
                    first, self.ip, LPORT, branch,
                    re.search(r"^From: .*$", msg, re.M).group(0), to,
                    self.callid, self.cseq)
                self.s.sendto(ack.encode(), PBX)
            return code, text


def challenge(text):
    realm = re.search(r'realm="([^"]*)"', text).group(1)
    nonce = re.search(r'nonce="([^"]*)"', text).group(1)
    return realm, nonce


def auth(method, uri, realm, nonce, user=USER, password=PASSWORD, hdr="Authorization"):
    ha1 = md5("%s:%s:%s" % (user, realm, password))
    ha2 = md5("%s:%s" % (method, uri))
    nc, cnonce = "00000001", "%x" % random.getrandbits(32)
    resp = md5("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, cnonce, ha2))
    return ('%s: Digest username="%s", realm="%s", nonce="%s", uri="%s", '
            'response="%s", algorithm=MD5, qop=auth, nc=%s, cnonce="%s"') % (
        hdr, user, realm, nonce, uri, resp, nc, cnonce)


def contact(ip, n=0):
    return "Contact: <sip:%s@%s:%d;line=%d>" % (USER, ip, LPORT, n)


def main():
    ruri = "sip:127.0.0.1:%d" % PBX_PORT
    p = Phone("127.0.0.1")

    code, text = p.request("REGISTER", ruri, [contact(p.ip)])
    print("register-noauth got", code)
    realm, nonce = challenge(text)

    # a digest computed for another Request-URI
    code, _ = p.request("REGISTER", ruri, [contact(p.ip),
                        auth("REGISTER", "sip:elsewhere.invalid", realm, nonce)])
    print("register-wrong-uri got", code)

    code, _ = p.request("REGISTER", ruri, [contact(p.ip), "Expires: soon",
                        auth("REGISTER", ruri, realm, nonce)])
    print("register-bad-expires got", code)

    code, _ = p.request("REGISTER", ruri, [contact(p.ip) + ";expires=1e9",
                        auth("REGISTER", ruri, realm, nonce)])
    print("register-bad-contact-expires got", code)

    code, _ = p.request("REGISTER", ruri, [contact(p.ip, i) for i in range(17)] +
                        [auth("REGISTER", ruri, realm, nonce)])
    print("register-17-contacts got", code)

    code, _ = p.request("REGISTER", ruri, ["Contact: <sip:%s@127.0.0.1:%d;x=%s>" %
                                           (USER, LPORT, "a" * 300),
                                           auth("REGISTER", ruri, realm, nonce)])
    print("register-long-contact got", code)

    code, _ = p.request("REGISTER", ruri, [contact(p.ip),
                        auth("REGISTER", ruri, realm, nonce, password="wrong")])
    print("register-wrong-password got", code)

    p.cseq = 100
    inst = ';+sip.instance="<urn:uuid:00000000-0000-0000-0000-000000000001>";reg-id=1'
    code, text = p.request("REGISTER", ruri, [contact(p.ip) + ";expires=120" + inst,
                        auth("REGISTER", ruri, realm, nonce)])
    print("register-ok got", code)
    # the 200 names the binding with its parameters but our expires,
    # once, and the seconds granted (RFC 3261 10.3, RFC 5626 6)
    got = [g.strip() for g in re.findall(r"^Contact: (.*)$", text, re.M | re.I)]
    want = "<sip:%s@%s:%d;line=0>%s;expires=120" % (USER, p.ip, LPORT, inst)
    print("register-ok-contact", "ok" if got == [want] else "bad: %r" % got)
    p.cseq = 50     # an older REGISTER of the same Call-ID
    code, _ = p.request("REGISTER", ruri, [contact(p.ip), "Expires: 0",
                        auth("REGISTER", ruri, realm, nonce)])
    print("register-out-of-order got", code)

    # the nonce given to 127.0.0.1, answered from 127.0.0.2
    q = Phone("127.0.0.2")
    code, _ = q.request("REGISTER", ruri, [contact(q.ip),
                        auth("REGISTER", ruri, realm, nonce)])
    print("register-other-address got", code)

    # INVITEs: challenged, then with no number, and with one a route
    # must not paste into a URI
    for case, target in (("invite-no-user", "sip:127.0.0.1:%d" % PBX_PORT),
                         ("invite-bad-number", "sip:9a&b@127.0.0.1:%d" % PBX_PORT)):
        p.callid = "%x@inv" % random.getrandbits(64)
        p.to = "sip:x@127.0.0.1"
        sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
               "t=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
        hdrs = ["Contact: <sip:%s@127.0.0.1:%d>" % (USER, LPORT),
                "Content-Type: application/sdp"]
        code, text = p.request("INVITE", target, hdrs, sdp)
        if code != 407:
            print(case, "got", code, "(expected a 407 challenge first)")
            continue
        realm, nonce = challenge(text)
        code, _ = p.request("INVITE", target, hdrs + [
            auth("INVITE", target, realm, nonce, hdr="Proxy-Authorization")], sdp)
        print(case, "got", code)
        del p.to


main()
