## followup: English, the reference translation.
##
## Every reason, warning and stall reason has a code (`reason_code`) and
## arguments (`args`); `reason-<code>` renders them. An argument a sentence
## does not have is `none`, and conditions are `true` when they hold, so
## optional parts are selected on them:
##     { $deadline -> [none] {""} *[other] , by { $deadline } }
## Dates and instants arrive formatted by `date-format` and `instant-format`
## below; counts are numbers (plural selectors work on them); lists arrive
## joined, each item rendered by `<list>-<item>` when that message exists.
## Drafts: `draft-<template>-subject` and `draft-<template>-body`.
## To add a language, copy this file to `<tag>.ftl` and translate it.

## Dates and times

weekday-1 = Mon
weekday-2 = Tue
weekday-3 = Wed
weekday-4 = Thu
weekday-5 = Fri
weekday-6 = Sat
weekday-7 = Sun
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
# $weekday, $day (no leading zero), $month
date-format = { $weekday } { $day } { $month }
# $date, $hour and $minute (two digits each), $zone
instant-format = { $date } { $hour }:{ $minute } { $zone }
# A zone named after its city ($city), or by its own name ($name: UTC).
zone-city = { $city } time
zone-name = { $name }
list-separator = {", "}
questions-separator = {" / "}

## Words used in several sentences

part-contact = { $contact_name ->
    [none] the employer
   *[other] { $contact_name }
}
part-contact-start = { $contact_name ->
    [none] The employer
   *[other] { $contact_name }
}
part-promised = { part-contact-start } promised { $promised ->
    [call] a call
    [email] an e-mail
   *[decision] a decision
} by { $promised_by }
part-rules = ({ $rules })
part-question = { $question ->
    [where_in_process] "Where are you in the search process?"
    [compare_to_ideal] "How do I compare to your ideal candidate?"
   *[other_candidates] "How many other candidates are you considering?"
}
questions-where_in_process = "Where are you in the search process?"
questions-compare_to_ideal = "How do I compare to your ideal candidate?"
questions-other_candidates = "How many other candidates are you considering?"
terms-base_salary = base salary
terms-bonus = bonus
terms-equity = equity
terms-start_date = start date
terms-deadline_to_answer = deadline to answer

## Actions

reason-influence_letter = Interviewed { $interviewed_at }: send { part-contact } an influence letter on what you would accomplish in your first six months, by { $window_end } { part-rules }
reason-interview_booked = Interview with { part-contact } at { $company }, { $interview_at }: prepare the day before.{ $questions ->
    [none] {""}
   *[other] {" "}Ask at it: { $questions }.
} Note what you would accomplish in your first six months: the influence letter goes out after it. { part-rules }
reason-no_best_time = No best time on file to call { $manager_name }: ask { part-contact } when a good time would be, and get to know them { part-rules }
reason-question_open = Ask { part-contact } at your next conversation: { part-question } { part-rules }
reason-promise_pending = { part-promised }: wait until { $due_at } before any status follow-up { part-rules }

part-offer = { $offer_company } has made you an offer{ $deadline ->
    [none] {""}
   *[other] {" "}to answer by { $deadline }
}
part-deadline-of = { $deadline ->
    [none] {""}
   *[other] {" "}of { $deadline }
}
part-outreach = { $channel ->
    [phone] call
   *[other] e-mail
} { part-contact }{ $first_thing ->
    [true] {" "}first thing { $due_on }
   *[other] {" "}on { $due_at }
}{ $purpose ->
    [collaboration] {" "}to offer to help move it forward
    [share_status] {" "}to share where things stand for you
   *[other] {" "}for a status check
}{ $window_end ->
    [none] {""}
   *[other] , by { $window_end }
}{ $channel_forced ->
    [true] { $channel ->
        [phone] , by phone as preferred
       *[other] , not a call (e-mail only)
    }
   *[other] {""}
}{ $cap_period_days ->
    [none] {""}
   *[other] , no sooner than { $cap_period_days } days after your last e-mail
}{ $latest_share_at ->
    [none] {""}
   *[other] , late: the offer came after { $latest_share_at }, the latest moment to share it comfortably, so share it at once{ $deadline ->
        [none] {""}
       *[other] , before the deadline of { $deadline }
    }
}{ $urgent_call ->
    [true] , by phone because waiting out the weekly e-mail cap would miss the offer's deadline{ part-deadline-of }
   *[other] { $cap_overridden ->
        [true] , even though it breaks the weekly e-mail cap, because waiting would miss the offer's deadline{ part-deadline-of }
       *[other] {""}
    }
}{ $out_of_office ->
    [true] , when { part-contact } is back from out of office
   *[other] {""}
}{ $best_time ->
    [none] {""}
   *[other] , in the best time to reach { part-contact } ({ $best_time })
}{ $no_voicemail ->
    [true] , leaving no voicemail
   *[other] {""}
} { part-rules }

reason-promise_missed = { part-promised }; nothing came — { part-outreach }
reason-call_unanswered = { part-contact-start } did not pick up on { $called_at }: { part-outreach }
reason-silence = No word since { $last_heard_on }: { part-outreach }
reason-offer_elsewhere = { part-offer }: { part-outreach }
reason-offer_elsewhere_too_late = { part-offer }, but { part-contact } cannot hear of it before { $reachable_at }{ $out_of_office ->
    [true] {" "}(out of office)
   *[other] {""}
}: too late to share it with { $company }, so decide without waiting for them { part-rules }
reason-ghosted = { $follow_ups ->
    [none] No word{ $last_heard_on ->
        [none] {""}
       *[other] {" "}since { $last_heard_on }
    } in over { $days } days
   *[other] { $follow_ups } follow-ups{ $last_heard_on ->
        [none] {" "}and never an answer
       *[other] {" "}since you last heard from them on { $last_heard_on }
    }
}: they may have hired someone else or promoted from within — consider marking { $company } ghosted and putting the effort elsewhere; nothing is deleted { part-rules }
reason-rejection_received = { $company } said no on { $said_on }{ $rejection_reason ->
    [competing_candidate] {" "}(someone else got the job)
    [internal_promotion] {" "}(it went to an internal candidate)
    [position_cancelled] {" "}(the opening was cancelled)
    [unknown] {" "}(no reason given)
   *[other] {""}
}: move it to rejected; its follow-ups end here { part-rules }
reason-gracious_close = If you like, thank { part-contact } for their time and ask to be kept in mind for future roles at { $company } — a door left open, no pleading; until { $until } { part-rules }
reason-offer_received = { $company } made you an offer on { $offered_on }: move it to offer, so that it counts as one for the others and its endgame begins { part-rules }
reason-offer_terms_missing = Ask { part-contact } for the offer in writing: its { $terms } are not on file yet, and the decision rests on them { part-rules }
reason-offer_deadline_near = { $company }'s offer is to be answered by { $deadline }, { $business_days_left ->
    [one] one business day
   *[other] two business days
} from now: weigh it against the others and decide, or ask for more time while you can { part-rules }
reason-extension_needed = { $other_company } has not promised a decision by { $deadline }, when { $company }'s offer must be answered: ask { part-contact } for a little more time, telling them where things stand for you { part-rules }
reason-few_open = An offer may be near ({ $near_offer } at final or offer) but only { $others_open } other { $others_open ->
    [one] opportunity is
   *[other] opportunities are
} active: keep looking and apply to { $applications } more this week — never give up { part-rules }

## Warnings

reason-email_cap_exceeded = { $emails } follow-up e-mails to { $company ->
    [none] { part-contact }
   *[other] { $company }
} within { $cap_period_days } days: more than { $cap_max_emails } gets pesky{ $next_at ->
    [none] {""}
   *[other] ; send the next one no earlier than { $next_at }
} { part-rules }
reason-voicemail_left = Leave no voicemail: hang up and keep calling until { part-contact } picks up { part-rules }
reason-message_with_assistant = Leave no message with the assistant: say "I'm going to be in and out, so I'll just keep trying" and ask when a good time would be { part-rules }
reason-email_only_contact = { part-contact-start } is e-mail only: write rather than call { part-rules }
reason-follow_up_before_promise = { part-promised }: a status follow-up before then can seem pushy; wait { part-rules }
reason-possible_duplicate = an open opportunity for { $title } at { $company } exists already — did you already apply?
reason-clock_ahead = { $field } was { $ahead_seconds } seconds ahead of the server's clock (is the device's clock fast?): it was recorded as the server's time, { $recorded_at }

## Stall reasons

reason-inactive = No activity in { $days } days (the threshold is { $threshold_days }).
reason-promises_broken = { $promises ->
    [one] An employer broke a promise
   *[other] Employers broke { $promises } promises
}: follow up first thing the next business day.
reason-only_finals = Nothing is open beside { $finals ->
    [one] the opportunity at `final`
   *[other] the { $finals } opportunities at `final`
}: keep applying while the decision is pending.
reason-caps_broken = { $breaches ->
    [one] A cadence cap was broken once
   *[other] Cadence caps were broken { $breaches } times
}: more than that gets pesky.

## Drafts: $contact_name (or none), $seeker_name, $company, $title, and
## each template's own arguments.

draft-greeting = { $contact_name ->
    [none] Hello,
   *[other] Hi { $contact_name },
}
draft-signature = Best regards,
    { $seeker_name }
draft-influence_letter-subject = My first six months as { $title }
draft-influence_letter-body =
    { draft-greeting }

    Thank you for our conversation on { $interview_on } about the { $title } role at { $company }. I have been thinking about what I would want to accomplish in my first six months:

    { $plan ->
        [none] [Two or three concrete goals for your first six months.]
       *[other] { $plan }
    }{ $strengths ->
        [none] {""}
       *[other] {"\u000A"}{"\u000A"}My experience in { $strengths } would help me get there quickly.
    }

    I look forward to continuing our conversation.

    { draft-signature }
draft-status_email-subject = { $purpose ->
    [collaboration] The { $title } role: moving forward
    [share_status] Where things stand for me: the { $title } role
   *[other] The { $title } role at { $company }
}
draft-status_email-body =
    { draft-greeting }

    { $purpose ->
        [collaboration] I was so excited by our conversations about the { $title } role, I just wanted to get a sense of where things stand. If it's helpful, I could strategize with you about what we should do to move forward: I would be glad to meet anyone else on the team or put together anything that helps.
        [share_status] I want to let you know where things stand for me. I have received an offer from another company { $deadline ->
            [none] and will need to give them an answer soon
           *[other] and have been asked to decide by { $deadline }
        }. I remain very interested in the { $title } role at { $company }, so I wanted you to have this information before I decide. Is there anything I can share that would help with your timeline?
       *[other] Thank you again for our conversations about the { $title } role at { $company }. I wanted to get a sense of where things stand, and whether there is anything more I can share to help your decision.{"\u000A"}{"\u000A"}I remain very interested in the role.
    }

    { draft-signature }
draft-gracious_close-subject = Thank you — { $title }
draft-gracious_close-body =
    { draft-greeting }

    Thank you for letting me know, and for the time you and the team gave me. I enjoyed our conversations about the { $title } role and learned a lot about { $company }. I would be glad if you kept me in mind for future roles, and I hope our paths cross again.

    I wish you and the team all the best.

    { draft-signature }
draft-review_offer-subject = The { $title } offer in writing
draft-review_offer-body =
    { draft-greeting }

    Thank you so much for the offer for the { $title } role at { $company }. I was so excited by our conversations, and I want to give it the attention it deserves. Could you send me the offer in writing, with the { $terms }? Having it all in one place will help me get back to you with a clear answer.

    { draft-signature }
draft-decide_offer-subject = Your offer for the { $title } role
draft-decide_offer-body =
    { draft-greeting }

    Thank you for the offer for the { $title } role at { $company }, and for giving me until { $deadline } to decide. I want to let you know where things stand for me: [I am delighted to accept, and look forward to getting started / after much thought, I have decided to decline, and I am grateful for the time you and the team gave me].

    { draft-signature }
draft-ask_for_extension-subject = The { $title } offer: timing
draft-ask_for_extension-body =
    { draft-greeting }

    Thank you again for the offer for the { $title } role. I want to let you know where things stand for me: I am in the final stages with another company and expect to hear from them shortly. Your offer matters a great deal to me, and I want to give you a considered answer rather than a rushed one. Would it be possible to have until a week after { $deadline } to decide?

    { draft-signature }
draft-call_script-body = If { $contact_name ->
    [none] the hiring manager
   *[other] { $contact_name }
} picks up: "{ $purpose ->
    [collaboration] I was so excited by our conversations, I just wanted to get a sense of where things stand. If it's helpful, I could strategize about what we should do to move forward.
    [share_status] I want to let you know where things stand for me: I have an offer from another company{ $deadline ->
        [none] {""}
       *[other] {" "}and need to answer by { $deadline }
    }. I remain very interested in the { $title } role.
   *[other] I wanted to get a sense of where things stand with the { $title } role, and whether there is anything more I can share.
}"{ $no_voicemail ->
    [true] {"\u000A"}If the assistant answers: "I'm going to be in and out, so I'll just keep trying." Ask when a good time would be to reach { $contact_name ->
        [none] the hiring manager
       *[other] { $contact_name }
    }.{"\u000A"}If voicemail answers: hang up without a message and try again later.
   *[other] {""}
}
draft-ask_assistant_email-subject = A good time to reach { $manager_name }?
draft-ask_assistant_email-body =
    { draft-greeting }

    Thank you for your help during the process for the { $title } role. When would be a good time to reach { $manager_name } by phone? I'm going to be in and out, so I'll just keep trying.

    { draft-signature }
draft-ask_assistant_call-body = Ask { $contact_name ->
    [none] the assistant
   *[other] { $contact_name }
}: "When would be a good time to reach { $manager_name }?" Take a moment to get to know { $contact_name ->
    [none] the assistant
   *[other] { $contact_name }
}. If { $manager_name } is out: "I'm going to be in and out, so I'll just keep trying." Leave no message.

## Action titles (calendar feed, digest): `action-<action>`

action-send_influence_letter = Send the influence letter
action-send_follow_up_email = Send a follow-up e-mail
action-call = Call
action-share_status = Share where things stand
action-offer_collaboration = Offer to help move it forward
action-ask_question = Ask a process question
action-ask_assistant = Ask the assistant for a good time
action-apply_more = Apply for more jobs
action-mark_ghosted = Consider marking it ghosted
action-wait = Wait
action-confirm_rejection = Record the rejection
action-send_gracious_close = Thank them and leave the door open
action-confirm_offer = Record the offer
action-review_offer = Ask for the written offer
action-decide_offer = Decide on the offer
action-ask_for_extension = Ask for more time to decide
action-prepare_interview = Prepare for the interview

## The morning digest: $date (formatted), $count, $name, $time, $url

digest-subject = Your follow-ups for { $date }: { $count ->
    [one] 1 action
   *[other] { $count } actions
}
digest-greeting = Good morning { $name },
digest-intro = Here is what to do today, { $date }, in order.
digest-overdue = overdue since { $date }, { $time }
digest-at = at { $time }
digest-by-email = by e-mail
digest-by-phone = by phone
digest-why = Why
digest-mind = Mind
digest-draft = Draft
digest-draft-subject = Subject
digest-open-draft = Open the draft in your mail app
digest-footer = You get this e-mail because you turned on the morning digest.
digest-stop = Stop it with one click:
digest-unsubscribe = Unsubscribe
constraint-no_voicemail = leave no voicemail: hang up and try again later
constraint-no_message_with_assistant = leave no message with the assistant
constraint-best_time_only = call only inside the contact's best time
constraint-cap_overridden = sent despite the weekly e-mail cap: waiting would miss a deadline
