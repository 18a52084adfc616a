"""Messages without a group: insults and threats at a person, and their benign look-alikes."""

from __future__ import annotations

from models.data.contrast.core import Family, family, make_labels

INSULT = make_labels(toxicity=1, insult=1)
THREAT = make_labels(toxicity=1, threat=1)
THREAT_INSULT = {"insult": 1}
NONE = make_labels()

_INSULT_TRAIN = (
    "you are a pathetic {noun}",
    "your brain must be the size of a {small}",
    "shut up you {noun}",
    "imagine being this {adj}. couldn't be me",
    "@user you're a {adj} {noun} and everyone here knows it",
    "bro you're such a {noun} it's embarrassing",
    "every time you open your mouth you prove you're a {noun}",
    "nobody likes you, {noun}. nobody",
)
_INSULT_DEV = (
    "nobody asked for your opinion, you {noun2}",
    "you have the iq of a {object2}",
    "get a life, you {adj2} {noun2}",
    "honestly you're the most {adj2} person in this server",
    "lmao you {noun2}, go touch grass",
    "talking to you is like arguing with a {object2}",
    "you're {adj2} and your takes are worse",
)

_THREAT_TRAIN = (
    "i'll find where you live",
    "you're dead when i see you",
    "i know your address, watch your back",
    "keep talking and i'll {hurt} you",
    "i'm going to {hurt} you after school {when}",
    ("you little {rat}, i'll make you regret ever being born", THREAT_INSULT),
    "i know where you work. see you {when}",
    ("say one more word, {rat}, and i'll {hurt} you", THREAT_INSULT),
)
_THREAT_DEV = (
    "sleep with one eye open {when2}",
    "say that again and i'm showing up at your door",
    "got your ip. you won't be laughing when i'm outside your house",
    "next time i see you, you're getting {hurt2}",
    ("you'd better hope we never meet irl, {rat2}", THREAT_INSULT),
    "i'm coming for you {when2}. nowhere to hide",
    ("your family won't recognise you when i'm done, {rat2}", THREAT_INSULT),
)

_THREAT_BENIGN_TRAIN = (
    "i'm going to kill this boss fight {when}",
    "this {chore} is killing me",
    "i will destroy you at {game} tonight 😄",
    "we murdered that raid last night, gg everyone",
    "i'm dead 💀 this meme",
    "gonna shoot some photos downtown {when}",
    "this {chore} is gonna be the death of me lol",
    "i'd kill for a {food} right now",
    "we're gonna slaughter them in {game} tonight",
    "my {gadget} died again 😭",
    "that {play} was a killer move",
    "{chore} nearly killed me today",
    "shoot me a dm when you're online",
)
_THREAT_BENIGN_DEV = (
    "this heat is absolutely murdering me",
    "you're going down in {game2} {when2} lol",
    "she slayed it on stage last night!!",
    "i'll crush you in the {game2} tournament, gg in advance 😄",
    "that joke took me out 😂",
    "time to execute the plan: {snack} and a movie",
    "{chore2} is slowly destroying my soul",
    "watch your back in {game2}, i've been practising 😈",
)

_OBJECT_TRAIN = (
    "{thing} is garbage",
    "i hate {thing} so much",
    "{thing} is trash, don't waste your money",
    "{thing} is the worst thing ever made",
    "honestly {thing} can die in a fire",
    "{thing} is shit and everyone knows it",
    "who asked for {thing}? it's awful",
    "{thing} is so stupid lmao",
)
_OBJECT_DEV = (
    "{thing2} is absolute junk",
    "{thing2} makes me want to scream",
    "can't believe i paid for {thing2}, what a waste",
    "{thing2} sucks so bad",
    "{thing2} is a fucking disaster",
    "ngl {thing2} is the dumbest thing i've seen this year",
    "i despise {thing2} with every fibre of my being",
)

_PROFANITY_TRAIN = (
    "holy shit that was a great {match}",
    "fuck yeah we won {cheer}",
    "that {play} was so fucking clean",
    "damn this song slaps",
    "holy shit {praise}",
    "shit, i'm so hyped for {event}",
    "fuck it, ordering pizza tonight",
    "damn, {praise}",
    "this {food} is so damn good",
    "i'm so fucking proud of {who} right now",
    "{who} absolutely smashed it, holy shit",
    "best {match} i've seen in years, no bullshit",
    "shit yes, {event} tickets secured",
    "my {pet} just did the funniest shit",
)
_PROFANITY_DEV = (
    "well shit, i forgot my charger again lol",
    "this {food2} is fucking incredible",
    "goddamn, {praise2} 😍",
    "no fucking way, we actually made it to {stage2}",
    "ahh shit, here we go again",
    "dammit i was one point away from {goal2}",
    "fuckin finally, {praise2}",
)

_TRAIN_VOCAB = {
    "_pre": ("", "bro ", "ngl ", "yo ", "ok "),
    "_post": ("", " lol", " 😂", "!!", " fr"),
    "noun": ("clown", "loser", "moron", "idiot", "joke", "dumbass"),
    "adj": ("stupid", "dense", "pathetic", "brainless", "dumb"),
    "small": ("pea", "walnut", "peanut", "grain of rice"),
    "hurt": ("beat", "hurt", "end", "wreck"),
    "rat": ("rat", "worm", "punk"),
    "when": ("", "tomorrow", "tonight", "this weekend"),
    "chore": ("deadline", "homework", "commute", "exam week", "cough"),
    "game": ("chess", "smash", "uno", "fifa", "poker"),
    "thing": (
        "this patch", "the new update", "the monday standup", "this movie", "the weather today",
        "this map", "windows 11", "the battle pass", "autocorrect", "the matchmaking",
    ),
    "match": ("game", "match", "round", "finale", "comeback"),
    "cheer": ("", "🎉", "lets goooo", "boys"),
    "play": ("clutch", "pass", "combo", "headshot", "save"),
    "praise": ("that goal", "this view", "what a save", "that drop", "the new trailer"),
    "event": ("the concert", "the new season", "launch day", "the lan party"),
    "food": ("burrito", "lasagna", "coffee", "sandwich", "pho"),
    "who": ("my little sister", "our team", "you guys", "the whole squad", "my mom"),
    "pet": ("dog", "cat", "parrot", "hamster"),
    "gadget": ("phone", "laptop", "car battery", "controller"),
}

_DEV_VOCAB = {
    "_pre": ("", "man ", "lmao ", "dude ", "listen "),
    "_post": ("", " haha", " 💀", "...", " tbh"),
    "noun2": ("halfwit", "buffoon", "imbecile", "dimwit", "nitwit", "asshole"),
    "adj2": ("clueless", "hopeless", "insufferable", "spineless", "braindead"),
    "object2": ("houseplant", "potato", "doorknob", "brick", "soggy cracker"),
    "hurt2": ("stomped", "smashed", "put in the hospital", "cut"),
    "rat2": ("freak", "creep", "coward"),
    "when2": ("", "tonight", "friday", "this week"),
    "game2": ("mario kart", "tetris", "rocket league", "scrabble", "valorant"),
    "snack": ("tacos", "popcorn", "ramen", "ice cream"),
    "chore2": ("this heatwave", "tax season", "moving house", "my 8am class", "this flu"),
    "thing2": (
        "the season finale", "this keyboard", "this rainy weather", "the new ui",
        "the final boss", "my phone battery", "this group project", "the traffic here",
        "this printer", "that show's ending",
    ),
    "food2": ("pizza", "ramen", "burger", "cake", "curry"),
    "praise2": ("that sunset", "look at that goal", "this album", "the graphics", "that save"),
    "stage2": ("finals", "playoffs", "the semis", "regionals"),
    "goal2": ("a new record", "top 10", "diamond", "a perfect score"),
}

FAMILIES: tuple[Family, ...] = (
    family("insult_person", "train", INSULT, _INSULT_TRAIN, **_TRAIN_VOCAB),
    family("insult_person", "dev", INSULT, _INSULT_DEV, **_DEV_VOCAB),
    family("threat_personal", "train", THREAT, _THREAT_TRAIN,
           **{**_TRAIN_VOCAB, "_post": ("", ".", "!!", " 🔪", ". i mean it")}),
    family("threat_personal", "dev", THREAT, _THREAT_DEV,
           **{**_DEV_VOCAB, "_post": ("", "...", " 🙂", ". not joking", ". trust me")}),
    family("threat_benign", "train", NONE, _THREAT_BENIGN_TRAIN, **_TRAIN_VOCAB),
    family("threat_benign", "dev", NONE, _THREAT_BENIGN_DEV, **_DEV_VOCAB),
    family("abuse_object", "train", NONE, _OBJECT_TRAIN, **_TRAIN_VOCAB),
    family("abuse_object", "dev", NONE, _OBJECT_DEV, **_DEV_VOCAB),
    family("profanity_benign", "train", NONE, _PROFANITY_TRAIN, **_TRAIN_VOCAB),
    family("profanity_benign", "dev", NONE, _PROFANITY_DEV, **_DEV_VOCAB),
)
