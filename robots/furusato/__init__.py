"""ふるさと納税 robot: donation exports of several portals → one 寄附台帳, ワンストップ特例 matching."""
