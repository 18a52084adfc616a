"""Spam (bait, ads, scams, pumps) and harmless messages that share its words."""

from __future__ import annotations

from models.data.contrast.core import Family, family, make_labels

SPAM = make_labels(spam=1)
NONE = make_labels()

_SPAM_TRAIN = (
    "You won't believe what happened next... {link}",
    "Doctors hate this one {trick}! {link}",
    "[ad] {product} is 70% off today only, grab yours → {link}",
    "FREE NITRO GIVEAWAY 🎁 claim yours before it's gone {link}",
    "DM me to earn ${amount} a day from home, no experience needed",
    "{coin} is about to moon 🚀🚀 buy now before it's too late",
    "@everyone free {prize} for the first 50 people who click {link}",
    "this {trick} changed my life and it can change yours too 👉 {link}",
    "[ad] get {prize} for only $1, limited slots {link}",
    "{hook} {prize} for everyone who joins {server} in the next hour {link}",
    "[ad] {product} helped me lose {amount} calories a day without trying {link}",
    "{hook} i turned $50 into ${amount} with {coin} in one week, dm me for the group",
    "{hook} you won't believe how cheap {product} is right now {link}",
)
_SPAM_DEV = (
    "#sponsored {product2} just dropped, use code VIBES for 50% off {link2}",
    "this celebrity's {secret} will shock you 😱 {link2}",
    "{prize2} giveaway, first 100 people only → {link2}",
    "i made ${amount2} last week with zero skills, ask me how 💸",
    "join our vip signals group, 10x gains guaranteed on {coin2}",
    "hey! you've been selected to receive {prize2}. verify here {link2}",
    "they don't want you to know this {secret}... {link2}",
    "#partner my {product2} review is up, link in bio 👀 {link2}",
    "{hook2} claim {prize2} now, only {left} left {link2}",
    "{hook2} {coin2} presale is live, early buyers get {amount2} bonus tokens",
    "#sponsored {product2} is what top streamers use, see why {link2}",
    "{hook2} banks don't want you to know this {secret} {link2}",
)

_LOOKALIKE_TRAIN = (
    "i won the giveaway last week, thanks mods!",
    "does anyone know if {product} is worth it?",
    "check the pinned post for the {event} link",
    "anyone else think {coin} is a bubble lol",
    "my friend keeps sending me {prize} scam links, how do i report them?",
    "who's running the {event} this weekend?",
    "ngl i'd pay for {product} if it were cheaper",
    "the {event} signup sheet is in the pins",
    "is the {prize} giveaway in this server legit or a scam?",
    "thanks for the {prize}, you're the best",
    "how do i redeem {code} on mobile?",
    "the {event} prizes were awesome this year",
    "{coin} dropped 40% today, glad i sold",
)
_LOOKALIKE_DEV = (
    "who's hosting the next giveaway? asking for a friend",
    "the sponsor segment in that video was so long 😴",
    "my cousin gifted me {prize2} for my birthday 🥳",
    "link to the {event2} bracket is in #announcements",
    "lost money on {coin2} once, never again haha",
    "is {product2} actually good or is it just ads everywhere?",
    "reminder: mods will never dm you asking to verify your account",
    "just got {prize2} from the {event2}, thanks everyone!",
)

_TRAIN_VOCAB = {
    "link": ("https://dlscord-gift.com/claim", "bit.ly/3xFreeN", "https://tinyurl.com/earnfast",
             "https://steamcommunlty.ru/gift"),
    "trick": ("one trick", "weird trick", "simple habit", "morning routine"),
    "product": ("the SmartBrew kettle", "NovaPods", "the FitBand 3", "GlowSkin serum",
                "a vpn", "spotify premium"),
    "amount": ("500", "800", "1,200", "300"),
    "coin": ("ZAPcoin", "$MOONDOGE", "PEPEX", "SafeRocket"),
    "prize": ("nitro", "discord nitro", "v-bucks", "robux", "a PS5"),
    "event": ("tournament", "movie night", "game night", "art contest"),
    "code": ("a nitro code", "a gift card", "robux", "a promo code"),
    "hook": ("🚨 URGENT", "LAST CHANCE", "hey everyone!", "WOW", "limited offer:"),
    "server": ("our server", "the vip club", "this group", "the giveaway channel"),
    "_post": ("", " 🔥", " !!", " ✅"),
}
_DEV_VOCAB = {
    "link2": ("https://nitro-drop.gg/free", "cutt.ly/win-now", "https://giftcard-steam.xyz",
              "https://t.me/vipsignals"),
    "product2": ("LumiLash mascara", "the AirFry Pro", "ZenMat", "HyperGrip mouse",
                 "game pass", "a gaming chair"),
    "secret": ("secret", "diet secret", "hidden method", "little-known hack"),
    "amount2": ("2,000", "4,500", "950", "10k"),
    "coin2": ("BLAZE token", "$SOLPUP", "MetaRocket", "GigaInu"),
    "prize2": ("a steam gift card", "a $50 amazon card", "nitro classic", "an iPhone 15",
               "free skins"),
    "event2": ("speedrun", "trivia", "karaoke", "charity stream"),
    "hook2": ("‼️ hurry", "omg guys", "don't miss this:", "breaking:", "FINAL HOURS"),
    "left": ("12", "3", "50", "a few"),
    "_post": ("", " 💯", " ⬇️", " 🤑"),
}

FAMILIES: tuple[Family, ...] = (
    family("spam", "train", SPAM, _SPAM_TRAIN, **_TRAIN_VOCAB),
    family("spam", "dev", SPAM, _SPAM_DEV, **_DEV_VOCAB),
    family("spam_lookalike", "train", NONE, _LOOKALIKE_TRAIN,
           **{**_TRAIN_VOCAB, "_pre": ("", "hey ", "oh and "),
              "_post": ("", " lol", " 🤔", " thx")}),
    family("spam_lookalike", "dev", NONE, _LOOKALIKE_DEV,
           **{**_DEV_VOCAB, "_pre": ("", "yo ", "btw "),
              "_post": ("", " haha", " 🙏", " ty")}),
)
