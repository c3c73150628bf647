"""A demo 基幹 web system (児童手当 受付) that the 転記 robot types into: login, multi-page form,
server-side validation, duplicate detection, session time-out and occasional slow answers."""
