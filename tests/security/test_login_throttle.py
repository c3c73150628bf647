"""Login throttling: per (user, address) back-off, no lock-out of the real user, no FIFO bypass, few audit entries."""

from kyodo.runner.dashboard._throttle import LoginThrottle, address_key


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def attack(th: LoginThrottle, clock: Clock, user: str, address: str, tries: int) -> None:
    """An attacker who always waits out the back-off and fails again."""
    for _ in range(tries):
        v = th.check(user, address)
        if v.blocked:
            clock.t += v.retry_after
        th.failed(user, address)


def test_attacker_elsewhere_cannot_lock_out_the_right_password():
    clock = Clock()
    th = LoginThrottle(clock=clock)
    attack(th, clock, "ube", "203.0.113.9", 40)
    assert th.check("ube", "203.0.113.9").blocked
    assert not th.check("ube", "192.0.2.10").blocked  # the staff member's own PC
    assert not th.check("UBE ", "192.0.2.10").blocked


def test_back_off_doubles_and_is_capped_never_permanent():
    clock = Clock()
    th = LoginThrottle(free=5, base=2, cap=900, clock=clock)
    waits = []
    for _ in range(18):
        v = th.check("ube", "10.0.0.1")
        waits.append(v.retry_after if v.blocked else 0)
        clock.t += waits[-1]
        th.failed("ube", "10.0.0.1")
    assert waits[:5] == [0] * 5 and waits[5:9] == [2, 4, 8, 16]
    assert max(waits) == 900 and waits[-1] == 900
    clock.t += 900
    assert not th.check("ube", "10.0.0.1").blocked  # the right password gets its turn again
    assert th.succeeded("ube", "10.0.0.1") == 0
    assert not th.check("ube", "10.0.0.1").blocked


def test_spraying_names_does_not_flush_the_attack_record():
    clock = Clock()
    th = LoginThrottle(max_entries=100, clock=clock)
    attack(th, clock, "ube", "203.0.113.9", 12)
    for n in range(500):  # many names from many addresses, the old FIFO bypass
        th.failed(f"user{n}", f"198.51.{n // 250}.{n % 250}")
    assert len(th) <= 100
    assert th.check("ube", "203.0.113.9").blocked


def test_one_address_spraying_many_names_is_slowed_down():
    clock = Clock()
    th = LoginThrottle(address_free=20, clock=clock)
    for n in range(21):
        th.failed(f"name{n}", "203.0.113.7")
    assert th.check("brand-new-name", "203.0.113.7").blocked
    assert not th.check("brand-new-name", "203.0.113.8").blocked


def test_refusals_are_reported_once_per_block():
    clock = Clock()
    th = LoginThrottle(clock=clock)
    for _ in range(6):
        th.failed("ube", "10.0.0.1")
    verdicts = [th.check("ube", "10.0.0.1") for _ in range(200)]  # ~9 per second in the attack
    assert all(v.blocked for v in verdicts)
    assert sum(v.first_refusal for v in verdicts) == 1
    clock.t += verdicts[-1].retry_after
    assert th.failed("ube", "10.0.0.1") == 200  # the next audit entry carries the count


def test_ipv6_is_counted_per_64():
    assert address_key("2001:db8:1:2::5") == address_key("2001:db8:1:2:ffff::1") != address_key("2001:db8:1:3::5")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
