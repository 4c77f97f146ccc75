BBBBBBB BBBBBBBBBBBBBBB BBBB
BBBBB BBBBB gettext(u'Enter a phone request')  X BBBBBBBB
BBBBB BBBBBBB
XXXX gettext(u'Enter a phone request') XXXXX
BBBBBBB BBBBBBBBBBBBBBBBBBBBB
XXX gettext(u'For someone who called or came to the counter: choose the person if already known, or give their name, phone and address (seen by the coordinators only).') XXXX
XXXXX XXXXXXXXXXXXX XXXXXXXXXXXBBBBBBBBBB
  BBBBBBB BBBBBBBBBBBBBBBBBBB
  XXXXXXX XXXXXXXXXXXXXX gettext(u'Save the request') XXXXXXXXX
XXXXXXX
BBBBBBBB
